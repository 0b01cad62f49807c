package master

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/core/httpapi"
	"github.com/gomesos/mesos/core/proto/masterpb"
)

// The operator API, POST /api/v1 (mesos.v1.master.Call and Response), in
// JSON or protobuf. GET_* calls answer 200 with the response in the
// codec the client accepts and its exact Content-Type; calls that answer
// nothing answer 200 with no body and no Content-Type, except the resource
// operations (RESERVE_RESOURCES, ..., DESTROY_VOLUMES), which answer 202 as
// Mesos's do: the agent applies them later.

// operatorResult is a call's answer: a status, and an encoded body for the
// calls that return something.
type operatorResult struct {
	status int
	body   []byte
	codec  httpapi.Codec
}

var (
	resultOK       = operatorResult{status: http.StatusOK}
	resultAccepted = operatorResult{status: http.StatusAccepted}
)

// serveOperator is POST /api/v1.
// As Mesos's, a master that does not lead redirects before it looks at
// the method.
func (m *Master) serveOperator(w http.ResponseWriter, r *http.Request) {
	if r = m.authenticatedRequest(w, r, true); r == nil {
		return
	}
	m.leaderOnly(postOnly(m.serveOperatorCall))(w, r)
}

// serveOperatorCall serves an operator call on the leading master.
func (m *Master) serveOperatorCall(w http.ResponseWriter, r *http.Request) {
	var call masterpb.Call
	if !decodeOperatorCall(w, r, &call) {
		return
	}
	if err := validateOperatorCall(&call); err != nil {
		http.Error(w, "Failed to validate master::Call: "+err.Error(), http.StatusBadRequest)
		return
	}
	codec, ok := operatorResponseCodec(w, r)
	if !ok {
		return
	}
	m.log.Debug("processing operator call", "type", call.GetType().String())
	ctx, err := m.authorizeOperator(r.Context(), &call)
	if err != nil {
		writeCallError(w, err)
		return
	}
	r = r.WithContext(ctx)
	if call.GetType() == masterpb.Call_SUBSCRIBE {
		m.serveOperatorSubscribe(w, r, codec)
		return
	}
	res, err := m.handleOperatorCall(r.Context(), &call, codec)
	if err != nil {
		writeCallError(w, err)
		return
	}
	if res.body != nil {
		w.Header().Set("Content-Type", res.codec.MediaType())
		w.WriteHeader(res.status)
		_, _ = w.Write(res.body)
		return
	}
	w.WriteHeader(res.status)
}

// operatorPayloads names the field each call type needs, as Mesos's
// validation::master::call::validate checks it.
var operatorPayloads = map[masterpb.Call_Type]func(*masterpb.Call) bool{
	masterpb.Call_GET_METRICS:                 func(c *masterpb.Call) bool { return c.GetMetrics != nil },
	masterpb.Call_SET_LOGGING_LEVEL:           func(c *masterpb.Call) bool { return c.SetLoggingLevel != nil },
	masterpb.Call_LIST_FILES:                  func(c *masterpb.Call) bool { return c.ListFiles != nil },
	masterpb.Call_READ_FILE:                   func(c *masterpb.Call) bool { return c.ReadFile != nil },
	masterpb.Call_UPDATE_WEIGHTS:              func(c *masterpb.Call) bool { return c.UpdateWeights != nil },
	masterpb.Call_RESERVE_RESOURCES:           func(c *masterpb.Call) bool { return c.ReserveResources != nil },
	masterpb.Call_UNRESERVE_RESOURCES:         func(c *masterpb.Call) bool { return c.UnreserveResources != nil },
	masterpb.Call_CREATE_VOLUMES:              func(c *masterpb.Call) bool { return c.CreateVolumes != nil },
	masterpb.Call_DESTROY_VOLUMES:             func(c *masterpb.Call) bool { return c.DestroyVolumes != nil },
	masterpb.Call_GROW_VOLUME:                 func(c *masterpb.Call) bool { return c.GrowVolume != nil },
	masterpb.Call_SHRINK_VOLUME:               func(c *masterpb.Call) bool { return c.ShrinkVolume != nil },
	masterpb.Call_UPDATE_MAINTENANCE_SCHEDULE: func(c *masterpb.Call) bool { return c.UpdateMaintenanceSchedule != nil },
	masterpb.Call_START_MAINTENANCE:           func(c *masterpb.Call) bool { return c.StartMaintenance != nil },
	masterpb.Call_STOP_MAINTENANCE:            func(c *masterpb.Call) bool { return c.StopMaintenance != nil },
	masterpb.Call_DRAIN_AGENT:                 func(c *masterpb.Call) bool { return c.DrainAgent != nil },
	masterpb.Call_DEACTIVATE_AGENT:            func(c *masterpb.Call) bool { return c.DeactivateAgent != nil },
	masterpb.Call_REACTIVATE_AGENT:            func(c *masterpb.Call) bool { return c.ReactivateAgent != nil },
	masterpb.Call_UPDATE_QUOTA:                func(c *masterpb.Call) bool { return c.UpdateQuota != nil },
	masterpb.Call_SET_QUOTA:                   func(c *masterpb.Call) bool { return c.SetQuota != nil },
	masterpb.Call_REMOVE_QUOTA:                func(c *masterpb.Call) bool { return c.RemoveQuota != nil },
	masterpb.Call_TEARDOWN:                    func(c *masterpb.Call) bool { return c.Teardown != nil },
	masterpb.Call_MARK_AGENT_GONE:             func(c *masterpb.Call) bool { return c.MarkAgentGone != nil },
}

func validateOperatorCall(c *masterpb.Call) error {
	if c.Type == nil {
		return fmt.Errorf("Expecting 'type' to be present")
	}
	if has, ok := operatorPayloads[c.GetType()]; ok && !has(c) {
		return fmt.Errorf("Expecting '%s' to be present", strings.ToLower(c.GetType().String()))
	}
	return nil
}

// encodeOnLoop builds a response on the loop and encodes it there, since
// it refers to the loop's records.
func (m *Master) encodeOnLoop(ctx context.Context, codec httpapi.Codec, build func() *masterpb.Response) (operatorResult, error) {
	var body []byte
	var encErr error
	if err := m.call(ctx, func() { m.usingView(ctx, func() { body, encErr = marshalOperator(codec, build()) }) }); err != nil {
		return operatorResult{}, err
	}
	if encErr != nil {
		return operatorResult{}, &callError{http.StatusInternalServerError, encErr.Error()}
	}
	return operatorResult{status: http.StatusOK, body: body, codec: codec}, nil
}

// encode encodes a response built off the loop.
func encode(codec httpapi.Codec, resp *masterpb.Response) (operatorResult, error) {
	body, err := marshalOperator(codec, resp)
	if err != nil {
		return operatorResult{}, &callError{http.StatusInternalServerError, err.Error()}
	}
	return operatorResult{status: http.StatusOK, body: body, codec: codec}, nil
}

func response(t masterpb.Response_Type) *masterpb.Response {
	return &masterpb.Response{Type: t.Enum()}
}

// handleOperatorCall answers every call but SUBSCRIBE.
func (m *Master) handleOperatorCall(ctx context.Context, call *masterpb.Call, codec httpapi.Codec) (operatorResult, error) {
	switch call.GetType() {
	case masterpb.Call_GET_HEALTH:
		resp := response(masterpb.Response_GET_HEALTH)
		resp.GetHealth = &masterpb.Response_GetHealth{Healthy: proto.Bool(true)}
		return encode(codec, resp)
	case masterpb.Call_GET_FLAGS:
		resp := response(masterpb.Response_GET_FLAGS)
		resp.GetFlags = &masterpb.Response_GetFlags{Flags: m.flagProtos()}
		return encode(codec, resp)
	case masterpb.Call_GET_VERSION:
		resp := response(masterpb.Response_GET_VERSION)
		resp.GetVersion = &masterpb.Response_GetVersion{VersionInfo: m.versionInfo()}
		return encode(codec, resp)
	case masterpb.Call_GET_METRICS:
		metrics, err := m.snapshotMetrics(ctx)
		if err != nil {
			return operatorResult{}, err
		}
		resp := response(masterpb.Response_GET_METRICS)
		resp.GetMetrics = &masterpb.Response_GetMetrics{Metrics: metricProtos(metrics)}
		return encode(codec, resp)
	case masterpb.Call_GET_LOGGING_LEVEL:
		resp := response(masterpb.Response_GET_LOGGING_LEVEL)
		resp.GetLoggingLevel = &masterpb.Response_GetLoggingLevel{Level: proto.Uint32(m.verbosity.Level())}
		return encode(codec, resp)
	case masterpb.Call_SET_LOGGING_LEVEL:
		if err := m.call(ctx, func() { m.setLoggingLevel(call.GetSetLoggingLevel()) }); err != nil {
			return operatorResult{}, err
		}
		return resultOK, nil
	case masterpb.Call_LIST_FILES:
		infos, err := m.listFiles(call.GetListFiles().GetPath())
		if err != nil {
			return operatorResult{}, err
		}
		resp := response(masterpb.Response_LIST_FILES)
		resp.ListFiles = &masterpb.Response_ListFiles{FileInfos: infos}
		return encode(codec, resp)
	case masterpb.Call_READ_FILE:
		rf := call.GetReadFile()
		var length int64 = -1
		if rf.Length != nil {
			length = int64(min(rf.GetLength(), maxReadLength))
		}
		size, data, err := m.readFile(rf.GetPath(), rf.GetOffset(), length)
		if err != nil {
			return operatorResult{}, err
		}
		resp := response(masterpb.Response_READ_FILE)
		resp.ReadFile = &masterpb.Response_ReadFile{Size: proto.Uint64(size), Data: data}
		return encode(codec, resp)

	case masterpb.Call_GET_STATE:
		return m.encodeOnLoop(ctx, codec, func() *masterpb.Response {
			resp := response(masterpb.Response_GET_STATE)
			resp.GetState = m.getState()
			return resp
		})
	case masterpb.Call_GET_AGENTS:
		return m.encodeOnLoop(ctx, codec, func() *masterpb.Response {
			resp := response(masterpb.Response_GET_AGENTS)
			resp.GetAgents = m.getAgents()
			return resp
		})
	case masterpb.Call_GET_FRAMEWORKS:
		return m.encodeOnLoop(ctx, codec, func() *masterpb.Response {
			resp := response(masterpb.Response_GET_FRAMEWORKS)
			resp.GetFrameworks = m.getFrameworks()
			return resp
		})
	case masterpb.Call_GET_EXECUTORS:
		return m.encodeOnLoop(ctx, codec, func() *masterpb.Response {
			resp := response(masterpb.Response_GET_EXECUTORS)
			resp.GetExecutors = m.getExecutors()
			return resp
		})
	case masterpb.Call_GET_OPERATIONS:
		return m.encodeOnLoop(ctx, codec, func() *masterpb.Response {
			resp := response(masterpb.Response_GET_OPERATIONS)
			resp.GetOperations = &masterpb.Response_GetOperations{Operations: m.operationsProto()}
			return resp
		})
	case masterpb.Call_GET_TASKS:
		return m.encodeOnLoop(ctx, codec, func() *masterpb.Response {
			resp := response(masterpb.Response_GET_TASKS)
			resp.GetTasks = m.getTasks()
			return resp
		})
	case masterpb.Call_GET_ROLES:
		return m.encodeOnLoop(ctx, codec, func() *masterpb.Response {
			resp := response(masterpb.Response_GET_ROLES)
			resp.GetRoles = m.getRoles()
			return resp
		})
	case masterpb.Call_GET_WEIGHTS:
		return m.encodeOnLoop(ctx, codec, func() *masterpb.Response {
			resp := response(masterpb.Response_GET_WEIGHTS)
			resp.GetWeights = m.getWeights()
			return resp
		})
	case masterpb.Call_GET_MASTER:
		return m.encodeOnLoop(ctx, codec, func() *masterpb.Response {
			resp := response(masterpb.Response_GET_MASTER)
			resp.GetMaster = m.getMaster()
			return resp
		})
	case masterpb.Call_GET_MAINTENANCE_STATUS:
		st, err := m.maintenanceStatusFor(ctx)
		if err != nil {
			return operatorResult{}, err
		}
		resp := response(masterpb.Response_GET_MAINTENANCE_STATUS)
		resp.GetMaintenanceStatus = &masterpb.Response_GetMaintenanceStatus{Status: st}
		return encode(codec, resp)
	case masterpb.Call_GET_MAINTENANCE_SCHEDULE:
		s, err := m.scheduleFor(ctx)
		if err != nil {
			return operatorResult{}, err
		}
		resp := response(masterpb.Response_GET_MAINTENANCE_SCHEDULE)
		resp.GetMaintenanceSchedule = &masterpb.Response_GetMaintenanceSchedule{Schedule: s}
		return encode(codec, resp)
	case masterpb.Call_GET_QUOTA:
		st, err := m.quotaStatusFor(ctx)
		if err != nil {
			return operatorResult{}, err
		}
		resp := response(masterpb.Response_GET_QUOTA)
		resp.GetQuota = &masterpb.Response_GetQuota{Status: st}
		return encode(codec, resp)

	case masterpb.Call_UPDATE_WEIGHTS:
		return resultOK, m.updateWeights(ctx, call.GetUpdateWeights().GetWeightInfos())
	case masterpb.Call_RESERVE_RESOURCES:
		rr := call.GetReserveResources()
		return resultAccepted, m.operatorReserve(ctx, rr.GetAgentId().GetValue(), rr.GetSource(), rr.GetResources())
	case masterpb.Call_UNRESERVE_RESOURCES:
		ur := call.GetUnreserveResources()
		return resultAccepted, m.operatorUnreserve(ctx, ur.GetAgentId().GetValue(), ur.GetResources())
	case masterpb.Call_CREATE_VOLUMES:
		cv := call.GetCreateVolumes()
		return resultAccepted, m.operatorCreateVolumes(ctx, cv.GetAgentId().GetValue(), cv.GetVolumes())
	case masterpb.Call_DESTROY_VOLUMES:
		dv := call.GetDestroyVolumes()
		return resultAccepted, m.operatorDestroyVolumes(ctx, dv.GetAgentId().GetValue(), dv.GetVolumes())
	case masterpb.Call_UPDATE_MAINTENANCE_SCHEDULE:
		return resultOK, m.updateSchedule(ctx, call.GetUpdateMaintenanceSchedule().GetSchedule())
	case masterpb.Call_START_MAINTENANCE:
		return resultOK, m.startMaintenance(ctx, call.GetStartMaintenance().GetMachines())
	case masterpb.Call_STOP_MAINTENANCE:
		return resultOK, m.stopMaintenance(ctx, call.GetStopMaintenance().GetMachines())
	case masterpb.Call_UPDATE_QUOTA:
		uq := call.GetUpdateQuota()
		return resultOK, m.updateQuota(ctx, uq.GetQuotaConfigs(), uq.GetForce())
	case masterpb.Call_SET_QUOTA:
		return resultOK, m.setQuota(ctx, call.GetSetQuota().GetQuotaRequest())
	case masterpb.Call_REMOVE_QUOTA:
		return resultOK, m.removeQuota(ctx, call.GetRemoveQuota().GetRole(), "")
	case masterpb.Call_TEARDOWN:
		return resultOK, m.teardown(ctx, call.GetTeardown().GetFrameworkId().GetValue())
	case masterpb.Call_MARK_AGENT_GONE:
		return resultOK, m.markAgentGone(ctx, call.GetMarkAgentGone().GetAgentId().GetValue())
	case masterpb.Call_DRAIN_AGENT:
		return resultOK, m.drainAgent(ctx, call.GetDrainAgent())
	case masterpb.Call_DEACTIVATE_AGENT:
		return resultOK, m.deactivateAgentCall(ctx, call.GetDeactivateAgent().GetAgentId().GetValue())
	case masterpb.Call_REACTIVATE_AGENT:
		return resultOK, m.reactivateAgentCall(ctx, call.GetReactivateAgent().GetAgentId().GetValue())
	case masterpb.Call_GROW_VOLUME:
		return resultAccepted, m.operatorGrowVolume(ctx, call.GetGrowVolume())
	case masterpb.Call_SHRINK_VOLUME:
		return resultAccepted, m.operatorShrinkVolume(ctx, call.GetShrinkVolume())
	}
	// UNKNOWN.
	return operatorResult{}, &callError{http.StatusNotImplemented, fmt.Sprintf("%s is not implemented", call.GetType())}
}

// teardown is TEARDOWN and /master/teardown: the framework is removed as if
// it had torn itself down.
func (m *Master) teardown(ctx context.Context, id string) error {
	var callErr error
	if err := m.call(ctx, func() {
		fw := m.frameworks[id]
		if fw == nil {
			callErr = badRequest("No framework found with specified ID")
			return
		}
		m.log.Info("tearing down framework at the operator's request", "framework", id)
		m.removeFramework(fw)
	}); err != nil {
		return err
	}
	return callErr
}

// methodNotAllowed answers 405 with Mesos's message and an Allow header.
func methodNotAllowed(w http.ResponseWriter, r *http.Request, allowed ...string) {
	w.Header().Set("Allow", strings.Join(allowed, ", "))
	quoted := make([]string, len(allowed))
	for i, a := range allowed {
		quoted[i] = "'" + a + "'"
	}
	http.Error(w, fmt.Sprintf("Expecting one of { %s }, but received '%s'", strings.Join(quoted, ", "), r.Method), http.StatusMethodNotAllowed)
}

func conflict(format string, args ...any) error {
	return &callError{http.StatusConflict, fmt.Sprintf(format, args...)}
}

func notFound(format string, args ...any) error {
	return &callError{http.StatusNotFound, fmt.Sprintf(format, args...)}
}

func unavailable(format string, args ...any) error {
	return &callError{http.StatusServiceUnavailable, fmt.Sprintf(format, args...)}
}
