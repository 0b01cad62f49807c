package mesosgo

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"mime"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strconv"
	"strings"
	"testing"

	mesos "github.com/mesos/mesos-go/api/v1/lib"
)

// mesos-go v0.0.11's JSON decoder rejects an enum name its generated tables
// do not know, and its MasterInfo.Capability.Type stops at AGENT_DRAINING.
// Apache Mesos 1.9 and later put QUOTA_V2 in the master_info of every
// SUBSCRIBED event (src/master/constants.cpp, MASTER_CAPABILITIES), and so
// do we: with the JSON codec the client cannot decode SUBSCRIBED, against
// Apache Mesos as against us (TestExampleSchedulerJSONDirect shows it).
//
// To try everything after SUBSCRIBED in JSON all the same, the JSON tests
// put capabilityFilter between the client and the master: it drops from
// SUBSCRIBED's master_info.capabilities the entries the client's enum table
// does not know (what a protobuf decoder does with an unknown enum value)
// and passes every other byte through unchanged.

// dropUnknownMasterCapabilities returns the JSON scheduler event record
// without the master capabilities mesos-go does not know; other records,
// and SUBSCRIBED events without such capabilities, come back unchanged.
func dropUnknownMasterCapabilities(record []byte) ([]byte, error) {
	var event map[string]any
	dec := json.NewDecoder(bytes.NewReader(record))
	dec.UseNumber() // keep every number exactly as the master wrote it
	if err := dec.Decode(&event); err != nil {
		return nil, fmt.Errorf("decode scheduler event: %w", err)
	}
	if event["type"] != "SUBSCRIBED" {
		return record, nil
	}
	subscribed, _ := event["subscribed"].(map[string]any)
	info, _ := subscribed["master_info"].(map[string]any)
	capabilities, _ := info["capabilities"].([]any)
	var kept []any
	for _, c := range capabilities {
		name, _ := c.(map[string]any)["type"].(string)
		if _, known := mesos.MasterInfo_Capability_Type_value[name]; known {
			kept = append(kept, c)
		}
	}
	if len(kept) == len(capabilities) {
		return record, nil
	}
	info["capabilities"] = kept
	var out bytes.Buffer
	enc := json.NewEncoder(&out)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(event); err != nil {
		return nil, fmt.Errorf("encode scheduler event: %w", err)
	}
	return bytes.TrimSuffix(out.Bytes(), []byte("\n")), nil
}

// startCapabilityFilter is a reverse proxy to the master that passes the
// scheduler API through, rewriting the JSON event stream's records with
// dropUnknownMasterCapabilities. It returns the proxy's base URL.
func startCapabilityFilter(t *testing.T, masterAddr string) string {
	t.Helper()
	proxy := httputil.NewSingleHostReverseProxy(&url.URL{Scheme: "http", Host: masterAddr})
	proxy.FlushInterval = -1 // forward every record as soon as it is written
	proxy.ErrorLog = log.New(testWriter{t}, "capability filter: ", 0)
	proxy.ModifyResponse = func(resp *http.Response) error {
		mediaType, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type"))
		if resp.Request.URL.Path != "/api/v1/scheduler" || resp.StatusCode != http.StatusOK || mediaType != "application/json" {
			return nil
		}
		upstream := resp.Body
		pr, pw := io.Pipe()
		go func() { pw.CloseWithError(filterRecordIO(upstream, pw)) }()
		resp.Body = struct {
			io.Reader
			io.Closer
		}{pr, closers{pr, upstream}}
		return nil
	}
	server := httptest.NewServer(proxy)
	t.Cleanup(server.Close)
	return server.URL
}

// filterRecordIO copies a RecordIO stream, each record through
// dropUnknownMasterCapabilities, re-framed with its new length.
func filterRecordIO(from io.Reader, to io.Writer) error {
	r := bufio.NewReader(from)
	for {
		header, err := r.ReadString('\n')
		if err != nil {
			if err == io.EOF && header == "" {
				return nil
			}
			return fmt.Errorf("read RecordIO header: %w", err)
		}
		n, err := strconv.Atoi(header[:len(header)-1])
		if err != nil || n < 0 {
			return fmt.Errorf("bad RecordIO header %q", header)
		}
		record := make([]byte, n)
		if _, err := io.ReadFull(r, record); err != nil {
			return fmt.Errorf("read RecordIO record of %d bytes: %w", n, err)
		}
		if record, err = dropUnknownMasterCapabilities(record); err != nil {
			return err
		}
		if _, err := fmt.Fprintf(to, "%d\n%s", len(record), record); err != nil {
			return fmt.Errorf("write RecordIO record: %w", err)
		}
	}
}

// testWriter writes a log to the test's log.
type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSuffix(string(p), "\n"))
	return len(p), nil
}

// closers closes each of its members.
type closers []io.Closer

func (cs closers) Close() error {
	var first error
	for _, c := range cs {
		if err := c.Close(); err != nil && first == nil {
			first = err
		}
	}
	return first
}

// TestDropUnknownMasterCapabilities checks the filter on its own: only the
// capability the client does not know goes, everything else stays.
func TestDropUnknownMasterCapabilities(t *testing.T) {
	in := `{"type":"SUBSCRIBED","subscribed":{"framework_id":{"value":"f-0000"},"heartbeat_interval_seconds":15,` +
		`"master_info":{"id":"m","ip":16777343,"port":5050,"capabilities":[{"type":"AGENT_UPDATE"},{"type":"QUOTA_V2"},{"type":"AGENT_DRAINING"}]}}}`
	out, err := dropUnknownMasterCapabilities([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	want := `{"subscribed":{"framework_id":{"value":"f-0000"},"heartbeat_interval_seconds":15,` +
		`"master_info":{"capabilities":[{"type":"AGENT_UPDATE"},{"type":"AGENT_DRAINING"}],"id":"m","ip":16777343,"port":5050}},"type":"SUBSCRIBED"}`
	if string(out) != want {
		t.Errorf("filtered:\n got %s\nwant %s", out, want)
	}
	offers := `{"type":"OFFERS","offers":{"offers":[]}}`
	if out, err := dropUnknownMasterCapabilities([]byte(offers)); err != nil || string(out) != offers {
		t.Errorf("OFFERS changed: %s, %v", out, err)
	}
	if _, err := dropUnknownMasterCapabilities([]byte(`{"type":`)); err == nil {
		t.Error("a truncated record was accepted")
	}
}
