package host

import (
	"encoding/json"
	"net/http"

	"github.com/gomesos/mesos/modules"
	"github.com/gomesos/mesos/modules/decorate"
)

// ModuleStatus is one module as /modules shows it.
type ModuleStatus struct {
	Name       string          `json:"name"`
	Library    string          `json:"library"`
	Kind       modules.Kind    `json:"kind"`
	Runtime    modules.Runtime `json:"runtime"`
	File       string          `json:"file,omitempty"`
	APIVersion int             `json:"api_version"`
	decorate.Status
}

// Status reports every loaded module, in load order. Parameters are left
// out: they may hold secrets.
func (h *Host) Status() []ModuleStatus {
	mods := h.Modules()
	out := make([]ModuleStatus, 0, len(mods))
	for _, m := range mods {
		s := m.Instance.Spec
		out = append(out, ModuleStatus{
			Name: s.Name, Library: s.Library, Kind: s.Kind, Runtime: s.Runtime, File: s.File,
			APIVersion: m.Instance.APIVersion, Status: m.Decorator.Status(),
		})
	}
	return out
}

// Handler serves GET /modules: {"modules": [ModuleStatus...]}.
func (h *Host) Handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "Expecting 'GET', received '"+r.Method+"'", http.StatusMethodNotAllowed)
			return
		}
		body, err := json.Marshal(struct {
			Modules []ModuleStatus `json:"modules"`
		}{h.Status()})
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(body)
	})
}
