package agent

import (
	"context"
	"errors"
	"io"
	"net/http"

	"github.com/gomesos/mesos/core/agent/containerizer"
	"github.com/gomesos/mesos/core/httpapi"
	"github.com/gomesos/mesos/core/proto/agentpb"
	"github.com/gomesos/mesos/core/recordio"
	"github.com/gomesos/mesos/modules/kinds/authorizer"
)

// serveAttachInput is ATTACH_CONTAINER_INPUT: the request body is a
// RecordIO stream of agent Calls in the encoding of Message-Content-Type.
// The first names the container (type CONTAINER_ID); the others carry
// ProcessIO: STDIN data for the container's stdin (empty data is end of
// file, except on a terminal, where the client sends ^D as Mesos
// expects), a TTY_INFO control (the terminal's new window size) or a
// HEARTBEAT. One client at a time; the answer, 200 with no body, comes
// when the client ends its stream. Only containers launched with an input
// stream (LAUNCH_NESTED_CONTAINER_SESSION, or any with a TTYInfo) accept
// input.
func (a *Agent) serveAttachInput(w http.ResponseWriter, r *http.Request) {
	codec, err := httpapi.RequestCodec(http.Header{"Content-Type": r.Header.Values(messageContentType)})
	if err != nil {
		http.Error(w, "Expecting 'Message-Content-Type' of application/json or application/x-protobuf", http.StatusUnsupportedMediaType)
		return
	}
	records := recordio.NewReader(r.Body, 0)
	first, err := nextInputCall(records, codec)
	if errors.Is(err, io.EOF) {
		err = errors.New("expecting a first record naming the container")
	}
	if err == nil && first.GetAttachContainerInput().GetType() != agentpb.Call_AttachContainerInput_CONTAINER_ID {
		err = errors.New("expecting the first message to be of type CONTAINER_ID")
	}
	if err == nil && first.GetAttachContainerInput().GetContainerId().GetValue() == "" {
		err = errors.New("expecting 'attach_container_input.container_id' to be present")
	}
	if err != nil {
		http.Error(w, "Failed to attach to the container's input: "+err.Error(), http.StatusBadRequest)
		return
	}
	id := first.GetAttachContainerInput().GetContainerId()
	if err := a.authorizeContainer(r.Context(), authorizer.Action_ATTACH_CONTAINER_INPUT, id, nil); err != nil {
		writeOperatorError(w, err)
		return
	}
	mc := a.mesosContainerizer()
	if mc == nil {
		http.Error(w, "No Mesos containerizer: no container has an input stream", http.StatusBadRequest)
		return
	}
	in, err := mc.AttachInput(id)
	if err != nil {
		status := http.StatusBadRequest
		switch {
		case errors.Is(err, containerizer.ErrUnknownContainer):
			status = http.StatusNotFound
		case errors.Is(err, containerizer.ErrInputAttached):
			status = http.StatusConflict
		}
		http.Error(w, "Failed to attach to the container's input: "+err.Error(), status)
		return
	}
	defer in.Detach()
	if err := a.pumpInput(r.Context(), records, codec, in); err != nil {
		http.Error(w, "Failed to stream the container's input: "+err.Error(), httpapi.StatusOf(err))
		return
	}
	w.WriteHeader(http.StatusOK)
}

// pumpInput writes the stream's STDIN data to the container until the
// client ends the stream.
func (a *Agent) pumpInput(ctx context.Context, records *recordio.Reader, codec httpapi.Codec, in *containerizer.AttachedInput) error {
	closed := false
	for {
		call, err := nextInputCall(records, codec)
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		aci := call.GetAttachContainerInput()
		if aci.GetType() != agentpb.Call_AttachContainerInput_PROCESS_IO || aci.GetProcessIo() == nil {
			return badInput("expecting messages after the first to be of type PROCESS_IO")
		}
		pio := aci.GetProcessIo()
		switch pio.GetType() {
		case agentpb.ProcessIO_DATA:
			if pio.GetData().GetType() != agentpb.ProcessIO_Data_STDIN {
				return badInput("expecting DATA messages of type STDIN")
			}
			data := pio.GetData().GetData()
			if closed {
				if len(data) == 0 {
					continue
				}
				return badInput("data after the end of file")
			}
			if len(data) == 0 {
				if in.TTY() {
					// Mesos: on a terminal, end of input is the EOT
					// character the client sends, not empty data.
					continue
				}
				if err := in.CloseInput(); err != nil {
					return err
				}
				closed = true
				continue
			}
			if err := in.Write(ctx, data); err != nil {
				return err
			}
		case agentpb.ProcessIO_CONTROL:
			ctl := pio.GetControl()
			switch ctl.GetType() {
			case agentpb.ProcessIO_Control_HEARTBEAT:
				if ctl.GetHeartbeat() == nil {
					return badInput("Expecting 'process_io.control.heartbeat' to be present")
				}
			case agentpb.ProcessIO_Control_TTY_INFO:
				if ctl.GetTtyInfo() == nil {
					return badInput("Expecting 'process_io.control.tty_info' to be present")
				}
				ws := ctl.GetTtyInfo().GetWindowSize()
				if ws == nil {
					return badInput("Expecting 'tty_info.window_size' to be present")
				}
				if err := in.Resize(ws.GetRows(), ws.GetColumns()); err != nil {
					return badInput("Unable to set the window size: " + err.Error())
				}
			default:
				return badInput("'process_io.control.type' is unknown")
			}
		default:
			return badInput("expecting a ProcessIO of type DATA or CONTROL")
		}
	}
}

// nextInputCall reads and checks one record of an ATTACH_CONTAINER_INPUT
// stream; io.EOF at the end of the stream.
func nextInputCall(records *recordio.Reader, codec httpapi.Codec) (*agentpb.Call, error) {
	payload, err := records.ReadRecord()
	if errors.Is(err, io.EOF) {
		return nil, io.EOF
	}
	if err != nil {
		return nil, badInput(err.Error())
	}
	var call agentpb.Call
	if err := codec.Unmarshal(payload, &call); err != nil {
		return nil, badInput(err.Error())
	}
	if call.GetType() != agentpb.Call_ATTACH_CONTAINER_INPUT || call.GetAttachContainerInput() == nil {
		return nil, badInput("expecting every message to be an ATTACH_CONTAINER_INPUT call with 'attach_container_input'")
	}
	return &call, nil
}

func badInput(msg string) error {
	return &httpapi.BadRequestError{Err: errors.New(msg)}
}

// mesosContainerizer is the Mesos containerizer, which runs every nested
// container (and so every container with an input stream).
func (a *Agent) mesosContainerizer() *containerizer.Containerizer {
	switch c := a.containerizer.(type) {
	case *containerizer.Containerizer:
		return c
	case *composing:
		return c.mesos
	}
	return nil
}
