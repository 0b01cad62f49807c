package master

import (
	"errors"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/core/httpapi"
	"github.com/gomesos/mesos/core/proto/agentmasterpb"
	"github.com/gomesos/mesos/core/proto/masterpb"
	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/core/uuid"
)

var codecs = []httpapi.Codec{httpapi.JSON, httpapi.Protobuf}

// TestOperatorGetCalls asks every GET_* call in both encodings, against a
// master with an agent, a framework and a running task.
func TestOperatorGetCalls(t *testing.T) {
	tm := startMaster(t, func(c *Config) {
		c.Flags = map[string]string{"port": "5050", "zk": "zk://h:2181/mesos", "quorum": "1"}
	})
	agent := registerAgent(t, tm, "cpus:4;mem:1024", nil)
	s := subscribe(t, tm, httpapi.JSON, frameworkInfo("getters"))
	offer := s.nextOffer()
	s.mustSend(launchCall(offer, commandTask(t, "t1", offer, "cpus:1;mem:128")))
	agent.next("RUN_TASK", agentmasterpb.AgentEvent_RUN_TASK)
	agent.statusUpdate(s.id, "t1", mesospb.TaskState_TASK_RUNNING, uuid.New().Bytes())
	s.nextUpdate("t1")

	for _, codec := range codecs {
		t.Run(codec.MediaType(), func(t *testing.T) {
			get := func(typ masterpb.Call_Type, want masterpb.Response_Type) *masterpb.Response {
				t.Helper()
				call := callOf(typ)
				if typ == masterpb.Call_GET_METRICS {
					call.GetMetrics = &masterpb.Call_GetMetrics{}
				}
				resp := mustGet(t, tm, codec, call)
				if resp.GetType() != want {
					t.Fatalf("%s answered %s", typ, resp.GetType())
				}
				return resp
			}
			if !get(masterpb.Call_GET_HEALTH, masterpb.Response_GET_HEALTH).GetGetHealth().GetHealthy() {
				t.Error("GET_HEALTH: not healthy")
			}
			flags := get(masterpb.Call_GET_FLAGS, masterpb.Response_GET_FLAGS).GetGetFlags().GetFlags()
			if len(flags) != 3 || flags[0].GetName() != "port" || flags[2].GetValue() != "zk://h:2181/mesos" {
				t.Errorf("GET_FLAGS: %v", flags)
			}
			if v := get(masterpb.Call_GET_VERSION, masterpb.Response_GET_VERSION).GetGetVersion().GetVersionInfo().GetVersion(); v != "1.11.0" {
				t.Errorf("GET_VERSION: %q", v)
			}
			metrics := get(masterpb.Call_GET_METRICS, masterpb.Response_GET_METRICS).GetGetMetrics().GetMetrics()
			found := map[string]float64{}
			for _, m := range metrics {
				found[m.GetName()] = m.GetValue()
			}
			if found["master/tasks_running"] != 1 || found["master/elected"] != 1 || found["master/cpus_total"] != 4 {
				t.Errorf("GET_METRICS: running %v elected %v cpus %v", found["master/tasks_running"], found["master/elected"], found["master/cpus_total"])
			}
			if l := get(masterpb.Call_GET_LOGGING_LEVEL, masterpb.Response_GET_LOGGING_LEVEL).GetGetLoggingLevel(); l.GetLevel() != 0 {
				t.Errorf("GET_LOGGING_LEVEL: %v", l)
			}
			st := get(masterpb.Call_GET_STATE, masterpb.Response_GET_STATE).GetGetState()
			if len(st.GetGetAgents().GetAgents()) != 1 || len(st.GetGetFrameworks().GetFrameworks()) != 1 || len(st.GetGetTasks().GetTasks()) != 1 {
				t.Errorf("GET_STATE: %v", st)
			}
			agents := get(masterpb.Call_GET_AGENTS, masterpb.Response_GET_AGENTS).GetGetAgents().GetAgents()
			if len(agents) != 1 || agents[0].GetAgentInfo().GetId().GetValue() != agent.id || !agents[0].GetActive() ||
				agents[0].GetPid() != "slave(1)@127.0.0.1:5051" || len(agents[0].GetAllocatedResources()) == 0 {
				t.Errorf("GET_AGENTS: %v", agents)
			}
			fws := get(masterpb.Call_GET_FRAMEWORKS, masterpb.Response_GET_FRAMEWORKS).GetGetFrameworks().GetFrameworks()
			if len(fws) != 1 || fws[0].GetFrameworkInfo().GetName() != "getters" || !fws[0].GetActive() || !fws[0].GetConnected() {
				t.Errorf("GET_FRAMEWORKS: %v", fws)
			}
			get(masterpb.Call_GET_EXECUTORS, masterpb.Response_GET_EXECUTORS)
			get(masterpb.Call_GET_OPERATIONS, masterpb.Response_GET_OPERATIONS)
			tasks := get(masterpb.Call_GET_TASKS, masterpb.Response_GET_TASKS).GetGetTasks().GetTasks()
			if len(tasks) != 1 || tasks[0].GetState() != mesospb.TaskState_TASK_RUNNING {
				t.Errorf("GET_TASKS: %v", tasks)
			}
			roles := get(masterpb.Call_GET_ROLES, masterpb.Response_GET_ROLES).GetGetRoles().GetRoles()
			if len(roles) != 1 || roles[0].GetName() != "*" || roles[0].GetWeight() != 1 || len(roles[0].GetFrameworks()) != 1 {
				t.Errorf("GET_ROLES: %v", roles)
			}
			get(masterpb.Call_GET_WEIGHTS, masterpb.Response_GET_WEIGHTS)
			gm := get(masterpb.Call_GET_MASTER, masterpb.Response_GET_MASTER).GetGetMaster()
			if gm.GetMasterInfo().GetId() != tm.ID() || gm.GetStartTime() == 0 || gm.GetElectedTime() == 0 {
				t.Errorf("GET_MASTER: %v", gm)
			}
			get(masterpb.Call_GET_MAINTENANCE_STATUS, masterpb.Response_GET_MAINTENANCE_STATUS)
			get(masterpb.Call_GET_MAINTENANCE_SCHEDULE, masterpb.Response_GET_MAINTENANCE_SCHEDULE)
			get(masterpb.Call_GET_QUOTA, masterpb.Response_GET_QUOTA)
		})
	}
}

func TestOperatorCallErrors(t *testing.T) {
	tm := startMaster(t, nil)
	url := tm.srv.URL + "/api/v1"
	cases := []struct {
		name        string
		method      string
		contentType string
		body        string
		want        int
		message     string
	}{
		{"no type", "POST", "application/json", `{}`, 400, "Expecting 'type' to be present"},
		{"no payload", "POST", "application/json", `{"type":"GET_METRICS"}`, 400, "Expecting 'get_metrics' to be present"},
		{"no teardown", "POST", "application/json", `{"type":"TEARDOWN"}`, 400, "Expecting 'teardown' to be present"},
		{"bad json", "POST", "application/json", `{"type":`, 400, ""},
		{"bad media type", "POST", "text/plain", `{}`, 415, ""},
		{"unknown", "POST", "application/json", `{"type":"UNKNOWN"}`, 501, ""},
		{"grow without agent", "POST", "application/json", `{"type":"GROW_VOLUME","grow_volume":{"volume":{"name":"disk","type":"SCALAR","scalar":{"value":1}},"addition":{"name":"disk","type":"SCALAR","scalar":{"value":1}}}}`, 400, "Expecting 'agent_id' to be present; only agent default resources are supported right now"},
		{"no grow_volume", "POST", "application/json", `{"type":"GROW_VOLUME"}`, 400, "Expecting 'grow_volume' to be present"},
		{"no shrink_volume", "POST", "application/json", `{"type":"SHRINK_VOLUME"}`, 400, "Expecting 'shrink_volume' to be present"},
		{"GET", "GET", "", ``, 405, "Expecting one of { 'POST' }"},
	}
	for _, c := range cases {
		code, body := httpDo(t, c.method, url, c.contentType, c.body)
		if code != c.want || !strings.Contains(body, c.message) {
			t.Errorf("%s: %d %q, want %d with %q", c.name, code, body, c.want, c.message)
		}
	}
	// An Accept that rules out both encodings is 406.
	req, _ := http.NewRequest("POST", url, strings.NewReader(`{"type":"GET_HEALTH"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "text/html")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if code, _ := status(t, resp); code != http.StatusNotAcceptable {
		t.Errorf("Accept text/html: %d, want 406", code)
	}
	// A client that accepts only protobuf gets protobuf.
	req, _ = http.NewRequest("POST", url, strings.NewReader(`{"type":"GET_HEALTH"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/x-protobuf")
	if resp, err = http.DefaultClient.Do(req); err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if ct := resp.Header.Get("Content-Type"); resp.StatusCode != 200 || ct != httpapi.MediaProtobuf {
		t.Errorf("Accept protobuf: %d %q", resp.StatusCode, ct)
	}
}

func TestOperatorAuthentication(t *testing.T) {
	tm := startMaster(t, func(c *Config) {
		c.AuthenticateReadWrite = true
		c.Authenticate = func(r *http.Request) (string, error) {
			if user, pass, ok := r.BasicAuth(); ok && user == "ops" && pass == "secret" {
				return user, nil
			}
			return "", errors.New("invalid credentials")
		}
	})
	resp := operator(t, tm, httpapi.JSON, callOf(masterpb.Call_GET_HEALTH))
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized || resp.Header.Get("WWW-Authenticate") == "" {
		t.Fatalf("no credentials: %d %v", resp.StatusCode, resp.Header)
	}
	body, _ := httpapi.JSON.Marshal(callOf(masterpb.Call_GET_HEALTH))
	req, _ := http.NewRequest("POST", tm.srv.URL+"/api/v1", strings.NewReader(string(body)))
	req.Header.Set("Content-Type", "application/json")
	req.SetBasicAuth("ops", "secret")
	if resp, _ = http.DefaultClient.Do(req); resp.StatusCode != http.StatusOK {
		t.Fatalf("with credentials: %d", resp.StatusCode)
	}
	resp.Body.Close()
	// Read-only endpoints are not protected unless asked.
	getJSON(t, tm.srv.URL+"/master/state")
}

// TestLoggingLevel: SET_LOGGING_LEVEL raises the master logger's verbosity
// for the duration given, then it goes back.
func TestLoggingLevel(t *testing.T) {
	var logs syncBuffer
	tm := startMaster(t, func(c *Config) {
		c.Logger = slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelInfo}))
	})
	for _, codec := range codecs {
		set := callOf(masterpb.Call_SET_LOGGING_LEVEL)
		set.SetLoggingLevel = &masterpb.Call_SetLoggingLevel{Level: proto.Uint32(1), Duration: &mesospb.DurationInfo{Nanoseconds: proto.Int64(int64(2 * time.Second))}}
		mustDo(t, tm, codec, set, http.StatusOK)
		if l := mustGet(t, tm, codec, callOf(masterpb.Call_GET_LOGGING_LEVEL)).GetGetLoggingLevel().GetLevel(); l != 1 {
			t.Fatalf("level %d after SET_LOGGING_LEVEL 1", l)
		}
		// Debug records now reach the master's log.
		mustGet(t, tm, codec, callOf(masterpb.Call_GET_HEALTH))
		eventually(t, "a debug record", func() bool { return strings.Contains(logs.String(), "level=DEBUG") })
		eventually(t, "the level to revert", func() bool {
			return mustGet(t, tm, codec, callOf(masterpb.Call_GET_LOGGING_LEVEL)).GetGetLoggingLevel().GetLevel() == 0
		})
	}
	missing := callOf(masterpb.Call_SET_LOGGING_LEVEL)
	if code, _ := operatorStatus(t, tm, httpapi.JSON, missing); code != http.StatusBadRequest {
		t.Errorf("SET_LOGGING_LEVEL without payload: %d", code)
	}
}

func TestListAndReadFiles(t *testing.T) {
	logFile := filepath.Join(t.TempDir(), "mesos-master.INFO")
	if err := os.WriteFile(logFile, []byte("line one\nline two\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tm := startMaster(t, func(c *Config) { c.LogFile = logFile })
	for _, codec := range codecs {
		list := callOf(masterpb.Call_LIST_FILES)
		list.ListFiles = &masterpb.Call_ListFiles{Path: proto.String("/master/log")}
		if infos := mustGet(t, tm, codec, list).GetListFiles().GetFileInfos(); len(infos) != 0 {
			t.Errorf("LIST_FILES of the log file: %v", infos)
		}
		read := callOf(masterpb.Call_READ_FILE)
		read.ReadFile = &masterpb.Call_ReadFile{Path: proto.String("/master/log"), Offset: proto.Uint64(5), Length: proto.Uint64(3)}
		rf := mustGet(t, tm, codec, read).GetReadFile()
		if rf.GetSize() != 18 || string(rf.GetData()) != "one" {
			t.Errorf("READ_FILE: size %d data %q", rf.GetSize(), rf.GetData())
		}
		read.ReadFile = &masterpb.Call_ReadFile{Path: proto.String("/master/log"), Offset: proto.Uint64(100)}
		if rf := mustGet(t, tm, codec, read).GetReadFile(); rf.GetSize() != 18 || len(rf.GetData()) != 0 {
			t.Errorf("READ_FILE past the end: %v", rf)
		}
		read.ReadFile = &masterpb.Call_ReadFile{Path: proto.String("/master/log"), Offset: proto.Uint64(0)}
		if rf := mustGet(t, tm, codec, read).GetReadFile(); string(rf.GetData()) != "line one\nline two\n" {
			t.Errorf("READ_FILE of everything: %q", rf.GetData())
		}
		list.ListFiles.Path = proto.String("/somewhere/else")
		if code, _ := operatorStatus(t, tm, codec, list); code != http.StatusNotFound {
			t.Errorf("LIST_FILES of an unknown path: %d", code)
		}
	}
	// Without a log file there is nothing to list.
	bare := startMaster(t, nil)
	list := callOf(masterpb.Call_LIST_FILES)
	list.ListFiles = &masterpb.Call_ListFiles{Path: proto.String("/master/log")}
	if code, _ := operatorStatus(t, bare, httpapi.JSON, list); code != http.StatusNotFound {
		t.Errorf("LIST_FILES without a log: %d, want 404", code)
	}
}

func TestTeardown(t *testing.T) {
	tm := startMaster(t, nil)
	registerAgent(t, tm, "cpus:2;mem:512", nil)
	for i, viaEndpoint := range []bool{false, true} {
		s := subscribe(t, tm, httpapi.JSON, frameworkInfo("doomed"))
		if viaEndpoint {
			code, body := httpDo(t, "POST", tm.srv.URL+"/master/teardown", "application/x-www-form-urlencoded", "frameworkId="+s.id)
			if code != http.StatusOK {
				t.Fatalf("/master/teardown: %d %s", code, body)
			}
		} else {
			call := callOf(masterpb.Call_TEARDOWN)
			call.Teardown = &masterpb.Call_Teardown{FrameworkId: frameworkIDProto(s.id)}
			mustDo(t, tm, httpapi.Protobuf, call, http.StatusOK)
		}
		fws := mustGet(t, tm, httpapi.JSON, callOf(masterpb.Call_GET_FRAMEWORKS)).GetGetFrameworks()
		if len(fws.GetFrameworks()) != 0 || len(fws.GetCompletedFrameworks()) != i+1 {
			t.Fatalf("after teardown: %v", fws)
		}
	}
	call := callOf(masterpb.Call_TEARDOWN)
	call.Teardown = &masterpb.Call_Teardown{FrameworkId: frameworkIDProto("nope")}
	if code, body := operatorStatus(t, tm, httpapi.JSON, call); code != http.StatusBadRequest || !strings.Contains(body, "No framework found") {
		t.Errorf("unknown framework: %d %q", code, body)
	}
	if code, _ := httpDo(t, "POST", tm.srv.URL+"/master/teardown", "application/x-www-form-urlencoded", "x=1"); code != http.StatusBadRequest {
		t.Errorf("/master/teardown without frameworkId: %d", code)
	}
	if code, _ := httpDo(t, "GET", tm.srv.URL+"/master/teardown", "", ""); code != http.StatusMethodNotAllowed {
		t.Errorf("GET /master/teardown: %d", code)
	}
}
