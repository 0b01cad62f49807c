package wire

// Environment the host sets for a plugin process (besides go-plugin's own
// and the manifest's "env").
const (
	// EnvLibrary and EnvModule name the manifest's library and module;
	// EnvKind the kind the host loads the module as. A plugin serving
	// several modules picks the one named; one serving a single module
	// serves it whatever its manifest name.
	EnvLibrary = "GOMESOS_PLUGIN_LIBRARY"
	EnvModule  = "GOMESOS_PLUGIN_MODULE"
	EnvKind    = "GOMESOS_PLUGIN_KIND"

	// EnvHostPID is the pid of the daemon that starts the plugin: a
	// plugin whose parent is not (or no longer) that process exits.
	EnvHostPID = "GOMESOS_PLUGIN_HOST_PID"

	// EnvDetached, when "1", tells the plugin to outlive the host: the
	// host will reattach to it after a restart (isolators). A plugin
	// without it exits when its parent process goes away.
	EnvDetached = "GOMESOS_PLUGIN_DETACHED"

	// EnvLogFile is where a detached plugin writes its log once its
	// stderr (a pipe to the host that started it) is gone.
	EnvLogFile = "GOMESOS_PLUGIN_LOG_FILE"

	// EnvLogLevel is the lowest level the plugin should log at (debug,
	// info, warn, error): the host's.
	EnvLogLevel = "GOMESOS_PLUGIN_LOG_LEVEL"

	// EnvDescribe, when "1" (with the magic cookie), asks the plugin to
	// print its Description as JSON on stdout and exit instead of
	// serving.
	EnvDescribe = "GOMESOS_PLUGIN_DESCRIBE"
)

// Description is what a plugin prints when asked to describe itself.
type Description struct {
	SDK     string              `json:"sdk"`
	Modules []ModuleDescription `json:"modules"`
}

// ModuleDescription is one module a plugin serves.
type ModuleDescription struct {
	Name        string `json:"name"`
	Kind        string `json:"kind"`
	APIVersions []int  `json:"api_versions"`
}
