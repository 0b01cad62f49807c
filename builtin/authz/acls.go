package authz

// EntityType is the type of an ACL entity (mesos.ACL.Entity.Type).
type EntityType int

const (
	// Some: the values listed.
	Some EntityType = iota
	// Any: everyone, everything.
	Any
	// None: no one, nothing.
	None
)

func (t EntityType) String() string {
	switch t {
	case Some:
		return "SOME"
	case Any:
		return "ANY"
	case None:
		return "NONE"
	}
	return "EntityType(?)"
}

// Entity is the subjects or the objects of an ACL, or the subject or
// object of a request (mesos.ACL.Entity). Values are ignored for Any and
// None.
type Entity struct {
	Type   EntityType
	Values []string
}

// some is the entity of the given values.
func some(values ...string) Entity { return Entity{Type: Some, Values: values} }

// ACL is one rule: who (Subjects) may or may not act on what (Objects).
// Every ACL of Mesos's ACLs message has this shape (its subjects are
// always "principals"; its objects field is named after what they are).
type ACL struct {
	Subjects, Objects Entity
}

// ACLs is the content of the --acls flag (mesos.ACLs): the rules of each
// kind, in order, and whether a request no rule matches is allowed.
type ACLs struct {
	// Permissive allows what no rule matches (Mesos's default: true).
	Permissive bool
	rules      map[string][]ACL
}

// Rules returns the rules of one kind, by their JSON field name
// ("register_frameworks").
func (a *ACLs) Rules(field string) []ACL { return a.rules[field] }

// aclField is one repeated field of mesos.ACLs.
type aclField struct {
	// name is the field's JSON name; object the name of its rules' object
	// entity.
	name, object string
	// implicitObject: the object is given implicitly, so only ANY and NONE
	// are valid for it (Mesos's LocalAuthorizer::validate).
	implicitObject bool
}

// fields lists the fields of mesos.ACLs in Mesos 1.x.
func fields() []aclField {
	return []aclField{
		{"register_frameworks", "roles", false},
		{"run_tasks", "users", false},
		{"reserve_resources", "roles", false},
		{"unreserve_resources", "reserver_principals", false},
		{"create_volumes", "roles", false},
		{"destroy_volumes", "creator_principals", false},
		{"teardown_frameworks", "framework_principals", false},
		{"update_weights", "roles", false},
		{"get_endpoints", "paths", false},
		{"get_quotas", "roles", false},
		{"update_quotas", "roles", false},
		{"view_frameworks", "users", false},
		{"view_tasks", "users", false},
		{"view_executors", "users", false},
		{"access_sandboxes", "users", false},
		{"access_mesos_logs", "logs", true},
		{"view_roles", "roles", false},
		{"view_flags", "flags", true},
		{"launch_nested_containers_as_user", "users", false},
		{"launch_nested_containers_under_parent_with_user", "users", false},
		{"kill_nested_containers", "users", false},
		{"wait_nested_containers", "users", false},
		{"launch_nested_container_sessions_as_user", "users", false},
		{"launch_nested_container_sessions_under_parent_with_user", "users", false},
		{"attach_containers_input", "users", false},
		{"attach_containers_output", "users", false},
		{"view_containers", "users", false},
		{"set_log_level", "level", true},
		{"remove_nested_containers", "users", false},
		{"register_agents", "agents", true},
		{"update_maintenance_schedules", "machines", true},
		{"get_maintenance_schedules", "machines", true},
		{"start_maintenances", "machines", true},
		{"stop_maintenances", "machines", true},
		{"get_maintenance_statuses", "machines", true},
		{"drain_agents", "agents", true},
		{"deactivate_agents", "agents", true},
		{"reactivate_agents", "agents", true},
		{"mark_agents_gone", "agents", false},
		{"launch_standalone_containers", "users", true},
		{"kill_standalone_containers", "users", true},
		{"wait_standalone_containers", "users", true},
		{"remove_standalone_containers", "users", true},
		{"view_standalone_containers", "users", true},
		{"modify_resource_provider_configs", "resource_providers", true},
		{"mark_resource_providers_gone", "resource_providers", true},
		{"view_resource_providers", "resource_providers", true},
		{"prune_images", "images", true},
		{"resize_volumes", "roles", false},
		{"create_block_disks", "roles", false},
		{"destroy_block_disks", "roles", false},
		{"create_mount_disks", "roles", false},
		{"destroy_mount_disks", "roles", false},
		{"destroy_raw_disks", "roles", false},
	}
}

func fieldNamed(name string) (aclField, bool) {
	for _, f := range fields() {
		if f.name == name {
			return f, true
		}
	}
	return aclField{}, false
}

// authorizableEndpoints are the paths get_endpoints ACLs may name (Mesos's
// AUTHORIZABLE_ENDPOINTS, across 1.x releases).
func authorizableEndpoint(path string) bool {
	switch path {
	case "/containers", "/containerizer/debug", "/files/debug", "/files/debug.json",
		"/logging/toggle", "/metrics/snapshot", "/monitor/statistics", "/monitor/statistics.json":
		return true
	}
	return false
}
