package master

import (
	"encoding/json"
	"fmt"
	"math"
	"net/url"
	"strconv"
	"strings"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/core/proto/jsoncodec"
	"github.com/gomesos/mesos/core/proto/mesospb"
)

// Parsers of the outside input the endpoints take: form bodies of
// /reserve and friends, JSON arrays of messages, /tasks's query. Each has
// a fuzz target (fuzz_test.go).

// defaultTaskLimit is how many tasks /tasks returns unless told (Mesos's
// TASK_LIMIT).
const defaultTaskLimit = 100

// tasksQuery is /master/tasks's query string.
type tasksQuery struct {
	limit, offset int
	ascending     bool
	frameworkID   string
	taskID        string
}

// parseTasksQuery reads limit, offset, order, framework_id and task_id as
// Mesos does: a limit or offset that is not an int is ignored (the
// default is used), a negative one wraps around as it does in Mesos's
// size_t (no limit; an offset past every task), and any order but "asc" is
// descending.
func parseTasksQuery(v url.Values) tasksQuery {
	q := tasksQuery{limit: defaultTaskLimit, ascending: v.Get("order") == "asc",
		frameworkID: v.Get("framework_id"), taskID: v.Get("task_id")}
	if n, ok := numifyInt(v.Get("limit")); ok {
		q.limit = n
		if n < 0 {
			q.limit = math.MaxInt
		}
	}
	if n, ok := numifyInt(v.Get("offset")); ok {
		q.offset = n
		if n < 0 {
			q.offset = math.MaxInt
		}
	}
	return q
}

// numifyInt parses a 32-bit decimal int, as stout's numify<int> does.
func numifyInt(s string) (int, bool) {
	n, err := strconv.ParseInt(s, 10, 32)
	if err != nil {
		return 0, false
	}
	return int(n), true
}

// parseForm decodes a form body as libprocess's query::decode does: pairs
// are separated by '&' or ';' (Go's url.ParseQuery refuses ';', which
// curl users and old scripts do send), a key without '=' has the empty
// value, '+' is a space, and a key given twice keeps its last value.
func parseForm(body string) (map[string]string, error) {
	out := map[string]string{}
	for _, pair := range strings.FieldsFunc(body, func(r rune) bool { return r == '&' || r == ';' }) {
		k, v, _ := strings.Cut(pair, "=")
		key, err := url.QueryUnescape(k)
		if err != nil {
			return nil, fmt.Errorf("Unable to decode query string: %w", err)
		}
		value, err := url.QueryUnescape(v)
		if err != nil {
			return nil, fmt.Errorf("Unable to decode query string: %w", err)
		}
		out[key] = value
	}
	return out, nil
}

// parseJSONArray decodes a JSON array of messages in Mesos's dialect; what
// names the input in errors.
func parseJSONArray[M proto.Message](text string, newMsg func() M) ([]M, error) {
	var elems []json.RawMessage
	if err := json.Unmarshal([]byte(text), &elems); err != nil {
		return nil, fmt.Errorf("expecting a JSON array: %w", err)
	}
	out := make([]M, 0, len(elems))
	for i, e := range elems {
		msg := newMsg()
		if err := jsoncodec.Unmarshal(e, msg); err != nil {
			return nil, fmt.Errorf("element %d: %w", i, err)
		}
		out = append(out, msg)
	}
	return out, nil
}

// parseResourceList reads one of a form's resource lists (slaveId's
// "resources", "source" or "volumes"), as Mesos's endpoints do.
func parseResourceList(form map[string]string, key string) ([]*mesospb.Resource, error) {
	text, ok := form[key]
	if !ok {
		return nil, fmt.Errorf("Missing '%s' query parameter in the request body", key)
	}
	rs, err := parseJSONArray(text, func() *mesospb.Resource { return &mesospb.Resource{} })
	if err != nil {
		return nil, fmt.Errorf("Error in parsing '%s' query parameter in the request body: %w", key, err)
	}
	return rs, nil
}

// operationForm is what /reserve, /unreserve, /create-volumes and
// /destroy-volumes take: an agent id and resource lists.
type operationForm struct {
	agentID   string
	resources []*mesospb.Resource
	source    []*mesospb.Resource
}

// parseOperationForm reads such a body; listKey is "resources" or
// "volumes", and withSource says whether an optional "source" list may
// come too (/reserve).
func parseOperationForm(body, listKey string, withSource bool) (*operationForm, error) {
	form, err := parseForm(body)
	if err != nil {
		return nil, err
	}
	f := &operationForm{}
	id, ok := form["slaveId"]
	if !ok {
		return nil, fmt.Errorf("Missing 'slaveId' query parameter in the request body")
	}
	f.agentID = id
	if f.resources, err = parseResourceList(form, listKey); err != nil {
		return nil, err
	}
	if _, ok := form["source"]; ok && withSource {
		if f.source, err = parseResourceList(form, "source"); err != nil {
			return nil, err
		}
	}
	return f, nil
}
