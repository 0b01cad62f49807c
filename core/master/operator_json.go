package master

import (
	"fmt"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/gomesos/mesos/core/httpapi"
	"github.com/gomesos/mesos/core/proto/jsoncodec"
	"github.com/gomesos/mesos/core/proto/masterpb"
)

// Mesos writes the JSON of GET_TASKS, GET_EXECUTORS, GET_FRAMEWORKS,
// GET_AGENTS, and of GET_STATE and the SUBSCRIBED event that hold them,
// with its own writer (readonly_handler.cpp's jsonify*), which writes their
// lists always, "[]" when empty, where the protobuf mapping leaves an
// empty list out. Clients written against it read
// get_state.get_agents.agents of an empty cluster without a guard, so the
// operator API writes those lists the same way. Everything else (the lists'
// elements, the other calls, the other events) is the usual mapping.

// alwaysListed names, per message, the lists Mesos writes even when empty
// (the ones its jsonify* functions write; pending_tasks, orphan_tasks,
// orphan_executors and recovered_frameworks are not among them).
var alwaysListed = map[protoreflect.FullName]map[protoreflect.Name]bool{
	(*masterpb.Response_GetTasks)(nil).ProtoReflect().Descriptor().FullName(): {
		"tasks": true, "unreachable_tasks": true, "completed_tasks": true,
	},
	(*masterpb.Response_GetExecutors)(nil).ProtoReflect().Descriptor().FullName(): {
		"executors": true,
	},
	(*masterpb.Response_GetFrameworks)(nil).ProtoReflect().Descriptor().FullName(): {
		"frameworks": true, "completed_frameworks": true,
	},
	(*masterpb.Response_GetAgents)(nil).ProtoReflect().Descriptor().FullName(): {
		"agents": true, "recovered_agents": true,
	},
}

// listHolders are the messages on the way to those lists: their fields
// are written one by one so that the lists below them can be reached.
var listHolders = map[protoreflect.FullName]bool{
	(*masterpb.Response)(nil).ProtoReflect().Descriptor().FullName():               true,
	(*masterpb.Response_GetState)(nil).ProtoReflect().Descriptor().FullName():      true,
	(*masterpb.Event)(nil).ProtoReflect().Descriptor().FullName():                  true,
	(*masterpb.Event_Subscribed)(nil).ProtoReflect().Descriptor().FullName():       true,
	(*masterpb.Response_GetTasks)(nil).ProtoReflect().Descriptor().FullName():      true,
	(*masterpb.Response_GetExecutors)(nil).ProtoReflect().Descriptor().FullName():  true,
	(*masterpb.Response_GetFrameworks)(nil).ProtoReflect().Descriptor().FullName(): true,
	(*masterpb.Response_GetAgents)(nil).ProtoReflect().Descriptor().FullName():     true,
}

// marshalOperator encodes an operator API response or event in codec,
// with Mesos's always-written lists in JSON.
func marshalOperator(codec httpapi.Codec, m proto.Message) ([]byte, error) {
	if codec != httpapi.JSON {
		return codec.Marshal(m)
	}
	return appendOperatorJSON(nil, m.ProtoReflect())
}

func appendOperatorJSON(dst []byte, m protoreflect.Message) ([]byte, error) {
	desc := m.Descriptor()
	if !listHolders[desc.FullName()] {
		return jsoncodec.AppendMarshal(dst, m.Interface())
	}
	listed := alwaysListed[desc.FullName()]
	dst = append(dst, '{')
	first := true
	field := func(name protoreflect.Name) {
		if !first {
			dst = append(dst, ',')
		}
		first = false
		dst = append(dst, '"')
		dst = append(dst, name...)
		dst = append(dst, '"', ':')
	}
	fields := desc.Fields()
	for i := 0; i < fields.Len(); i++ {
		fd := fields.Get(i)
		var err error
		switch {
		case listed[fd.Name()] && fd.IsList() && fd.Message() != nil:
			field(fd.Name())
			dst = append(dst, '[')
			list := m.Get(fd).List()
			for j := 0; j < list.Len(); j++ {
				if j > 0 {
					dst = append(dst, ',')
				}
				if dst, err = jsoncodec.AppendMarshal(dst, list.Get(j).Message().Interface()); err != nil {
					return nil, err
				}
			}
			dst = append(dst, ']')
		case !fd.IsList() && !fd.IsMap() && fd.Message() != nil && listHolders[fd.Message().FullName()]:
			if !m.Has(fd) {
				continue
			}
			field(fd.Name())
			if dst, err = appendOperatorJSON(dst, m.Get(fd).Message()); err != nil {
				return nil, err
			}
		default:
			// Any other field as the usual mapping writes it (or not):
			// the encoding of a message holding that field alone, without
			// its braces.
			alone := m.Type().New()
			if m.Has(fd) {
				alone.Set(fd, m.Get(fd))
			}
			enc, err := jsoncodec.Marshal(alone.Interface())
			if err != nil {
				return nil, err
			}
			if len(enc) < 2 || enc[0] != '{' || enc[len(enc)-1] != '}' {
				return nil, fmt.Errorf("encoding %s.%s: unexpected %q", desc.FullName(), fd.Name(), enc)
			}
			if inner := enc[1 : len(enc)-1]; len(inner) > 0 {
				if !first {
					dst = append(dst, ',')
				}
				first = false
				dst = append(dst, inner...)
			}
		}
	}
	return append(dst, '}'), nil
}
