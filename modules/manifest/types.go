package manifest

// Manifest is one manifest document.
type Manifest struct {
	Libraries []Library `json:"libraries"`
	// Source names the manifest in errors: "--modules" or its file's
	// path. Parse sets it.
	Source string `json:"-"`
}

// Library is a file (a plugin executable, a .wasm file) or a name (for
// built-ins) holding modules.
type Library struct {
	File    string   `json:"file,omitempty"`
	Name    string   `json:"name,omitempty"`
	Modules []Module `json:"modules,omitempty"`

	// Our additions.
	Runtime string   `json:"runtime,omitempty"`
	SHA256  string   `json:"sha256,omitempty"`
	Args    []string `json:"args,omitempty"`
	Env     []string `json:"env,omitempty"`
	Grants  []string `json:"grants,omitempty"`
	Limits
}

// Module is one module of a library.
type Module struct {
	Name       string      `json:"name"`
	Parameters []Parameter `json:"parameters,omitempty"`

	// Our additions.
	Kind string `json:"kind,omitempty"`
	Limits
}

// Limits may be set on a library (for all its modules) or on a module
// (overriding its library's).
type Limits struct {
	// CallTimeout is a Mesos duration ("500ms", "5secs").
	CallTimeout      string  `json:"call_timeout,omitempty"`
	MemoryLimitPages *uint32 `json:"memory_limit_pages,omitempty"`
}

// Parameter is a key/value pair; both are required, as in Mesos's
// Parameter message (the value may be empty).
type Parameter struct {
	Key   *string `json:"key"`
	Value *string `json:"value"`
}
