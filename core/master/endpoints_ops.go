package master

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/gomesos/mesos/core/httpapi"
	"github.com/gomesos/mesos/core/proto/jsoncodec"
	"github.com/gomesos/mesos/core/proto/maintenancepb"
	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/core/proto/quotapb"
	"github.com/gomesos/mesos/modules/kinds/authorizer"
)

// The endpoints that change things, with the bodies Mesos's take: form
// bodies for /reserve, /unreserve, /create-volumes, /destroy-volumes and
// /teardown; JSON for /quota, /weights, /maintenance/schedule and
// /machine/{down,up}. They share the operator API's implementation.

func readBody(w http.ResponseWriter, r *http.Request) (string, bool) {
	body, err := httpapi.ReadBody(r, 0)
	if err != nil {
		httpapi.WriteError(w, err)
		return "", false
	}
	return string(body), true
}

// answer writes an operation's outcome: the status on success, the
// error's otherwise.
func answer(w http.ResponseWriter, status int, err error) {
	if err != nil {
		writeCallError(w, err)
		return
	}
	w.WriteHeader(status)
}

// serveOperationForm handles the four resource endpoints, which answer 202
// once the master has validated and applied the operation (the agent
// checkpoints it later).
func (m *Master) serveOperationForm(w http.ResponseWriter, r *http.Request, listKey string, withSource bool,
	apply func(ctx context.Context, f *operationForm) error) {
	if r.Method != http.MethodPost {
		methodNotAllowed(w, r, http.MethodPost)
		return
	}
	body, ok := readBody(w, r)
	if !ok {
		return
	}
	f, err := parseOperationForm(body, listKey, withSource)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	answer(w, http.StatusAccepted, apply(r.Context(), f))
}

func (m *Master) serveReserve(w http.ResponseWriter, r *http.Request) {
	m.serveOperationForm(w, r, "resources", true, func(ctx context.Context, f *operationForm) error {
		if err := m.require(ctx, authorizer.Action_RESERVE_RESOURCES, resourceObjects(f.resources)...); err != nil {
			return err
		}
		return m.operatorReserve(ctx, f.agentID, f.source, f.resources)
	})
}

func (m *Master) serveUnreserve(w http.ResponseWriter, r *http.Request) {
	m.serveOperationForm(w, r, "resources", false, func(ctx context.Context, f *operationForm) error {
		if err := m.require(ctx, authorizer.Action_UNRESERVE_RESOURCES, resourceObjects(f.resources)...); err != nil {
			return err
		}
		return m.operatorUnreserve(ctx, f.agentID, f.resources)
	})
}

func (m *Master) serveCreateVolumes(w http.ResponseWriter, r *http.Request) {
	m.serveOperationForm(w, r, "volumes", false, func(ctx context.Context, f *operationForm) error {
		if err := m.require(ctx, authorizer.Action_CREATE_VOLUME, resourceObjects(f.resources)...); err != nil {
			return err
		}
		return m.operatorCreateVolumes(ctx, f.agentID, f.resources)
	})
}

func (m *Master) serveDestroyVolumes(w http.ResponseWriter, r *http.Request) {
	m.serveOperationForm(w, r, "volumes", false, func(ctx context.Context, f *operationForm) error {
		if err := m.require(ctx, authorizer.Action_DESTROY_VOLUME, resourceObjects(f.resources)...); err != nil {
			return err
		}
		return m.operatorDestroyVolumes(ctx, f.agentID, f.resources)
	})
}

// serveTeardown is /master/teardown (frameworkId=...).
func (m *Master) serveTeardown(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		methodNotAllowed(w, r, http.MethodPost)
		return
	}
	body, ok := readBody(w, r)
	if !ok {
		return
	}
	form, err := parseForm(body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	id, ok := form["frameworkId"]
	if !ok {
		http.Error(w, "Missing 'frameworkId' query parameter in the request body", http.StatusBadRequest)
		return
	}
	if err := m.authorizeTeardown(r.Context(), id); err != nil {
		writeCallError(w, err)
		return
	}
	answer(w, http.StatusOK, m.teardown(r.Context(), id))
}

// serveQuota is /master/quota: GET the status, POST a QuotaRequest (the
// deprecated SET_QUOTA), DELETE /master/quota/<role> (REMOVE_QUOTA).
func (m *Master) serveQuota(w http.ResponseWriter, r *http.Request) {
	switch r.Method {
	case http.MethodGet:
		st, err := m.quotaStatusFor(r.Context())
		writeDocument(w, r, st, err)
	case http.MethodPost:
		body, ok := readBody(w, r)
		if !ok {
			return
		}
		// As Mesos: a body that is not a JSON object fails to parse; one
		// that is but is no QuotaRequest fails to validate.
		var object map[string]json.RawMessage
		err := json.Unmarshal([]byte(body), &object)
		if err == nil && object == nil {
			err = fmt.Errorf("expecting a JSON object")
		}
		if err != nil {
			http.Error(w, fmt.Sprintf("Failed to parse set quota request JSON '%s': %v", body, err), http.StatusBadRequest)
			return
		}
		var req quotapb.QuotaRequest
		if err := jsoncodec.Unmarshal([]byte(body), &req); err != nil {
			http.Error(w, fmt.Sprintf("Failed to validate set quota request JSON '%s': %v", body, err), http.StatusBadRequest)
			return
		}
		if err := m.require(r.Context(), authorizer.Action_UPDATE_QUOTA, quotaObject(req.GetRole())); err != nil {
			writeCallError(w, err)
			return
		}
		answer(w, http.StatusOK, m.setQuota(r.Context(), &req))
	case http.MethodDelete:
		role, ok := quotaRole(r.URL.Path)
		if !ok {
			http.Error(w, fmt.Sprintf("Failed to parse remove quota request for path '%s': expected 3 tokens, found 2 tokens", r.URL.Path), http.StatusBadRequest)
			return
		}
		if err := m.require(r.Context(), authorizer.Action_UPDATE_QUOTA, quotaObject(role)); err != nil {
			writeCallError(w, err)
			return
		}
		answer(w, http.StatusOK, m.removeQuota(r.Context(), role, r.URL.Path))
	default:
		methodNotAllowed(w, r, http.MethodGet, http.MethodPost, http.MethodDelete)
	}
}

// serveWeights is /master/weights: GET the weights, PUT a JSON array of
// WeightInfo.
func (m *Master) serveWeights(w http.ResponseWriter, r *http.Request) {
	switch r.Method {
	case http.MethodGet:
		v, err := m.viewFor(r.Context())
		if err != nil {
			writeCallError(w, err)
			return
		}
		ctx := withView(r.Context(), v)
		var body []byte
		if err := m.call(ctx, func() {
			jw := jsonWriter{}
			jw.beginArray()
			m.usingView(ctx, func() {
				for _, wi := range m.getWeights().GetWeightInfos() {
					jw.proto(wi)
				}
			})
			jw.endArray()
			body = jw.buf
		}); err != nil {
			writeCallError(w, err)
			return
		}
		writeJSON(w, r, body)
	case http.MethodPut:
		body, ok := readBody(w, r)
		if !ok {
			return
		}
		infos, err := parseJSONArray(body, func() *mesospb.WeightInfo { return &mesospb.WeightInfo{} })
		if err != nil {
			http.Error(w, fmt.Sprintf("Failed to parse update weights request JSON ('%s'): %v", body, err), http.StatusBadRequest)
			return
		}
		if err := m.authorizeWeights(r.Context(), infos); err != nil {
			writeCallError(w, err)
			return
		}
		answer(w, http.StatusOK, m.updateWeights(r.Context(), infos))
	default:
		methodNotAllowed(w, r, http.MethodGet, http.MethodPut)
	}
}

// serveSchedule is /master/maintenance/schedule: GET the schedule, POST a
// new one.
func (m *Master) serveSchedule(w http.ResponseWriter, r *http.Request) {
	switch r.Method {
	case http.MethodGet:
		s, err := m.scheduleFor(r.Context())
		writeDocument(w, r, s, err)
	case http.MethodPost:
		body, ok := readBody(w, r)
		if !ok {
			return
		}
		var s maintenancepb.Schedule
		if err := jsoncodec.Unmarshal([]byte(body), &s); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		if err := m.authorizeSchedule(r.Context(), &s); err != nil {
			writeCallError(w, err)
			return
		}
		answer(w, http.StatusOK, m.updateSchedule(r.Context(), &s))
	default:
		methodNotAllowed(w, r, http.MethodGet, http.MethodPost)
	}
}

func (m *Master) serveMaintenanceStatus(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet {
		methodNotAllowed(w, r, http.MethodGet)
		return
	}
	st, err := m.maintenanceStatusFor(r.Context())
	writeDocument(w, r, st, err)
}

// machines reads /machine/down's and /machine/up's JSON array of MachineID.
func (m *Master) serveMachines(w http.ResponseWriter, r *http.Request, apply func(context.Context, []*mesospb.MachineID) error) {
	if r.Method != http.MethodPost {
		methodNotAllowed(w, r, http.MethodPost)
		return
	}
	body, ok := readBody(w, r)
	if !ok {
		return
	}
	ids, err := parseJSONArray(body, func() *mesospb.MachineID { return &mesospb.MachineID{} })
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	answer(w, http.StatusOK, apply(r.Context(), ids))
}

func (m *Master) serveMachineDown(w http.ResponseWriter, r *http.Request) {
	m.serveMachines(w, r, func(ctx context.Context, ids []*mesospb.MachineID) error {
		if err := m.require(ctx, authorizer.Action_START_MAINTENANCE, machineObjects(ids)...); err != nil {
			return err
		}
		return m.startMaintenance(ctx, ids)
	})
}

func (m *Master) serveMachineUp(w http.ResponseWriter, r *http.Request) {
	m.serveMachines(w, r, func(ctx context.Context, ids []*mesospb.MachineID) error {
		if err := m.require(ctx, authorizer.Action_STOP_MAINTENANCE, machineObjects(ids)...); err != nil {
			return err
		}
		return m.stopMaintenance(ctx, ids)
	})
}
