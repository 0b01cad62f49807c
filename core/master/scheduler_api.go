package master

import (
	"errors"
	"fmt"
	"net/http"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/core/httpapi"
	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/core/proto/schedulerpb"
	"github.com/gomesos/mesos/core/uuid"
)

// callError carries the HTTP status a failed call is answered with.
type callError struct {
	status int
	msg    string
}

func (e *callError) Error() string { return e.msg }

func badRequest(format string, args ...any) error {
	return &callError{http.StatusBadRequest, fmt.Sprintf(format, args...)}
}

func forbidden(format string, args ...any) error {
	return &callError{http.StatusForbidden, fmt.Sprintf(format, args...)}
}

func writeCallError(w http.ResponseWriter, err error) {
	var ce *callError
	if errors.As(err, &ce) {
		http.Error(w, ce.msg, ce.status)
		return
	}
	http.Error(w, err.Error(), http.StatusServiceUnavailable)
}

// serveScheduler is POST /api/v1/scheduler.
func (m *Master) serveScheduler(w http.ResponseWriter, r *http.Request) {
	if r = m.authenticateScheduler(w, r); r == nil {
		return
	}
	var call schedulerpb.Call
	if _, err := httpapi.DecodeRequest(r, &call, 0); err != nil {
		m.countCall(false)
		httpapi.WriteError(w, err)
		return
	}
	if err := validateSchedulerCall(&call); err != nil {
		m.countCall(false)
		// Mesos prefixes every validation error so (master/http.cpp).
		writeCallError(w, badRequest("Failed to validate scheduler::Call: %v", err))
		return
	}
	if call.GetType() == schedulerpb.Call_SUBSCRIBE {
		m.serveSubscribe(w, r, &call)
		return
	}
	streamID, hasStreamID := r.Header.Get(httpapi.StreamIDHeader), len(r.Header.Values(httpapi.StreamIDHeader)) > 0
	verdict, err := m.authorizeAccept(r.Context(), &call)
	if err != nil {
		writeCallError(w, err)
		return
	}
	principal := principalOf(r.Context())
	var callErr error
	err = m.call(r.Context(), func() {
		fw := m.frameworks[call.GetFrameworkId().GetValue()]
		// The checks and their order are Mesos's (master/http.cpp): an
		// unknown framework is a bad request (400), a known one without a
		// stream is forbidden (403), and only then is the stream id looked at.
		switch {
		case fw == nil:
			callErr = badRequest("Framework cannot be found")
		case principal != "" && principal != fw.info.GetPrincipal():
			callErr = principalMismatch(principal, fw.info.GetPrincipal())
		case fw.sub == nil:
			callErr = forbidden("Framework is not subscribed")
		case !hasStreamID:
			callErr = badRequest("All non-subscribe calls should include the '%s' header", httpapi.StreamIDHeader)
		case fw.sub.id != streamID:
			callErr = badRequest("The stream ID '%s' included in this request didn't match the stream ID currently associated with framework ID %s", streamID, fw.id)
		default:
			callErr = m.handleSchedulerCall(fw, m.applyVerdict(fw, &call, verdict))
		}
		m.countCallOnLoop(callErr == nil)
	})
	if err != nil {
		writeCallError(w, err)
		return
	}
	if callErr != nil {
		writeCallError(w, callErr)
		return
	}
	w.WriteHeader(http.StatusAccepted)
}

// countCall counts a call from an HTTP handler (through the loop).
func (m *Master) countCall(valid bool) { m.post(func() { m.countCallOnLoop(valid) }) }

// countCallOnLoop counts a call from the loop itself.
func (m *Master) countCallOnLoop(valid bool) {
	if valid {
		m.metrics.validSchedulerCalls++
	} else {
		m.metrics.invalidSchedulerCalls++
	}
}

// serveSubscribe opens a framework's event stream.
func (m *Master) serveSubscribe(w http.ResponseWriter, r *http.Request, call *schedulerpb.Call) {
	if r.Header.Get(httpapi.StreamIDHeader) != "" {
		m.countCall(false)
		writeCallError(w, badRequest("Subscribe calls should not include the '%s' header", httpapi.StreamIDHeader))
		return
	}
	codec, err := httpapi.ResponseCodec(r.Header)
	if err != nil {
		m.countCall(false)
		httpapi.WriteError(w, err)
		return
	}
	info, err := m.subscribingInfo(r.Context(), call.GetSubscribe().GetFrameworkInfo())
	if err != nil {
		m.countCall(false)
		writeCallError(w, err)
		return
	}
	if err := m.authorizeFramework(r.Context(), info); err != nil {
		m.countCall(false)
		m.refuseSubscription(w, codec, info, err)
		return
	}
	if info.GetHostname() == "" {
		info = proto.Clone(info).(*mesospb.FrameworkInfo)
		info.Hostname = proto.String(remoteHost(r))
	}
	sub := newSubscriber(uuid.New().String())
	var first *schedulerpb.Event
	var fw *framework
	var subErr error
	if err := m.call(r.Context(), func() {
		first, subErr = m.subscribe(info, call.GetSubscribe().GetSuppressedRoles(), sub)
		if subErr == nil {
			fw = m.frameworks[first.GetSubscribed().GetFrameworkId().GetValue()]
		}
		m.countCallOnLoop(subErr == nil)
	}); err != nil {
		writeCallError(w, err)
		return
	}
	out, err := httpapi.StartStream(w, codec, sub.id)
	if err != nil {
		if fw != nil {
			m.post(func() { m.frameworkDisconnected(fw, sub) })
		}
		return
	}
	if subErr != nil {
		// A subscription Mesos refuses gets an ERROR event on the stream.
		_ = out.Send(errorEvent(subErr.Error()))
		return
	}
	heartbeat := func() proto.Message { return &schedulerpb.Event{Type: schedulerpb.Event_HEARTBEAT.Enum()} }
	// As Mesos's heartbeater (started right after SUBSCRIBED, with no
	// initial delay), the first HEARTBEAT follows SUBSCRIBED at once.
	if out.Send(first) == nil && out.Send(heartbeat()) == nil {
		pump(r.Context(), out, sub, m.cfg.HeartbeatInterval, heartbeat)
	}
	m.post(func() { m.frameworkDisconnected(fw, sub) })
}

// validateSchedulerCall applies Mesos's structural checks of a call.
func validateSchedulerCall(call *schedulerpb.Call) error {
	if call.Type == nil || call.GetType() == schedulerpb.Call_UNKNOWN {
		return badRequest("Expecting 'type' to be present")
	}
	if call.GetType() == schedulerpb.Call_SUBSCRIBE {
		if call.GetSubscribe() == nil {
			return badRequest("Expecting 'subscribe' to be present")
		}
		info := call.GetSubscribe().GetFrameworkInfo()
		if call.FrameworkId != nil && call.GetFrameworkId().GetValue() != info.GetId().GetValue() {
			return badRequest("'framework_id' differs from 'subscribe.framework_info.id'")
		}
		return nil
	}
	if call.FrameworkId == nil {
		return badRequest("Expecting 'framework_id' to be present")
	}
	present := map[schedulerpb.Call_Type]bool{
		schedulerpb.Call_ACCEPT:                       call.Accept != nil,
		schedulerpb.Call_DECLINE:                      call.Decline != nil,
		schedulerpb.Call_ACCEPT_INVERSE_OFFERS:        call.AcceptInverseOffers != nil,
		schedulerpb.Call_DECLINE_INVERSE_OFFERS:       call.DeclineInverseOffers != nil,
		schedulerpb.Call_KILL:                         call.Kill != nil,
		schedulerpb.Call_SHUTDOWN:                     call.Shutdown != nil,
		schedulerpb.Call_ACKNOWLEDGE:                  call.Acknowledge != nil,
		schedulerpb.Call_ACKNOWLEDGE_OPERATION_STATUS: call.AcknowledgeOperationStatus != nil,
		schedulerpb.Call_RECONCILE:                    call.Reconcile != nil,
		schedulerpb.Call_RECONCILE_OPERATIONS:         call.ReconcileOperations != nil,
		schedulerpb.Call_MESSAGE:                      call.Message != nil,
		schedulerpb.Call_REQUEST:                      call.Request != nil,
		schedulerpb.Call_UPDATE_FRAMEWORK:             call.UpdateFramework != nil,
	}
	if has, needsPayload := present[call.GetType()]; needsPayload && !has {
		return badRequest("Expecting '%s' to be present", payloadName(call.GetType()))
	}
	if call.GetType() == schedulerpb.Call_ACKNOWLEDGE {
		if _, err := uuid.FromBytes(call.GetAcknowledge().GetUuid()); err != nil {
			return badRequest("Not a valid UUID") // stout's UUID::fromBytes error
		}
	}
	return nil
}

func payloadName(t schedulerpb.Call_Type) string {
	name := []byte(t.String())
	for i, c := range name {
		if c >= 'A' && c <= 'Z' {
			name[i] = c + 'a' - 'A'
		}
	}
	return string(name)
}
