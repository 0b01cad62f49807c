package authz

import "github.com/gomesos/mesos/modules/kinds/authorizer"

// ruleField is the ACLs field holding an action's rules; "" for UNKNOWN
// and the nested-container launches, which use two fields.
func ruleField(action authorizer.Action) string {
	switch action {
	case authorizer.Action_REGISTER_FRAMEWORK:
		return "register_frameworks"
	case authorizer.Action_RUN_TASK:
		return "run_tasks"
	case authorizer.Action_TEARDOWN_FRAMEWORK:
		return "teardown_frameworks"
	case authorizer.Action_RESERVE_RESOURCES:
		return "reserve_resources"
	case authorizer.Action_UNRESERVE_RESOURCES:
		return "unreserve_resources"
	case authorizer.Action_CREATE_VOLUME:
		return "create_volumes"
	case authorizer.Action_DESTROY_VOLUME:
		return "destroy_volumes"
	case authorizer.Action_RESIZE_VOLUME:
		return "resize_volumes"
	case authorizer.Action_GET_ENDPOINT_WITH_PATH:
		return "get_endpoints"
	case authorizer.Action_VIEW_ROLE:
		return "view_roles"
	case authorizer.Action_UPDATE_WEIGHT:
		return "update_weights"
	case authorizer.Action_GET_QUOTA:
		return "get_quotas"
	case authorizer.Action_UPDATE_QUOTA, authorizer.Action_UPDATE_QUOTA_WITH_CONFIG:
		return "update_quotas"
	case authorizer.Action_VIEW_FRAMEWORK:
		return "view_frameworks"
	case authorizer.Action_VIEW_TASK:
		return "view_tasks"
	case authorizer.Action_VIEW_EXECUTOR:
		return "view_executors"
	case authorizer.Action_ACCESS_SANDBOX:
		return "access_sandboxes"
	case authorizer.Action_ACCESS_MESOS_LOG:
		return "access_mesos_logs"
	case authorizer.Action_VIEW_FLAGS:
		return "view_flags"
	case authorizer.Action_KILL_NESTED_CONTAINER:
		return "kill_nested_containers"
	case authorizer.Action_WAIT_NESTED_CONTAINER:
		return "wait_nested_containers"
	case authorizer.Action_REMOVE_NESTED_CONTAINER:
		return "remove_nested_containers"
	case authorizer.Action_ATTACH_CONTAINER_INPUT:
		return "attach_containers_input"
	case authorizer.Action_ATTACH_CONTAINER_OUTPUT:
		return "attach_containers_output"
	case authorizer.Action_VIEW_CONTAINER:
		return "view_containers"
	case authorizer.Action_SET_LOG_LEVEL:
		return "set_log_level"
	case authorizer.Action_REGISTER_AGENT:
		return "register_agents"
	case authorizer.Action_UPDATE_MAINTENANCE_SCHEDULE:
		return "update_maintenance_schedules"
	case authorizer.Action_GET_MAINTENANCE_SCHEDULE:
		return "get_maintenance_schedules"
	case authorizer.Action_START_MAINTENANCE:
		return "start_maintenances"
	case authorizer.Action_STOP_MAINTENANCE:
		return "stop_maintenances"
	case authorizer.Action_GET_MAINTENANCE_STATUS:
		return "get_maintenance_statuses"
	case authorizer.Action_DRAIN_AGENT:
		return "drain_agents"
	case authorizer.Action_DEACTIVATE_AGENT:
		return "deactivate_agents"
	case authorizer.Action_REACTIVATE_AGENT:
		return "reactivate_agents"
	case authorizer.Action_MARK_AGENT_GONE:
		return "mark_agents_gone"
	case authorizer.Action_LAUNCH_STANDALONE_CONTAINER:
		return "launch_standalone_containers"
	case authorizer.Action_KILL_STANDALONE_CONTAINER:
		return "kill_standalone_containers"
	case authorizer.Action_WAIT_STANDALONE_CONTAINER:
		return "wait_standalone_containers"
	case authorizer.Action_REMOVE_STANDALONE_CONTAINER:
		return "remove_standalone_containers"
	case authorizer.Action_VIEW_STANDALONE_CONTAINER:
		return "view_standalone_containers"
	case authorizer.Action_MODIFY_RESOURCE_PROVIDER_CONFIG:
		return "modify_resource_provider_configs"
	case authorizer.Action_MARK_RESOURCE_PROVIDER_GONE:
		return "mark_resource_providers_gone"
	case authorizer.Action_VIEW_RESOURCE_PROVIDER:
		return "view_resource_providers"
	case authorizer.Action_PRUNE_IMAGES:
		return "prune_images"
	case authorizer.Action_CREATE_BLOCK_DISK:
		return "create_block_disks"
	case authorizer.Action_DESTROY_BLOCK_DISK:
		return "destroy_block_disks"
	case authorizer.Action_CREATE_MOUNT_DISK:
		return "create_mount_disks"
	case authorizer.Action_DESTROY_MOUNT_DISK:
		return "destroy_mount_disks"
	case authorizer.Action_DESTROY_RAW_DISK:
		return "destroy_raw_disks"
	}
	return ""
}

// roleAction reports whether an action's objects are roles, matched with
// role hierarchies ("eng/%").
func roleAction(action authorizer.Action) bool {
	switch action {
	case authorizer.Action_REGISTER_FRAMEWORK, authorizer.Action_CREATE_VOLUME, authorizer.Action_RESIZE_VOLUME,
		authorizer.Action_RESERVE_RESOURCES, authorizer.Action_UPDATE_WEIGHT, authorizer.Action_VIEW_ROLE,
		authorizer.Action_GET_QUOTA, authorizer.Action_UPDATE_QUOTA, authorizer.Action_UPDATE_QUOTA_WITH_CONFIG,
		authorizer.Action_CREATE_BLOCK_DISK, authorizer.Action_DESTROY_BLOCK_DISK,
		authorizer.Action_CREATE_MOUNT_DISK, authorizer.Action_DESTROY_MOUNT_DISK, authorizer.Action_DESTROY_RAW_DISK:
		return true
	}
	return false
}

// executorAction reports whether an executor authenticated by its token
// (a subject with a "cid" claim) may perform the action on its own
// containers.
func executorAction(action authorizer.Action) bool {
	switch action {
	case authorizer.Action_LAUNCH_NESTED_CONTAINER, authorizer.Action_WAIT_NESTED_CONTAINER,
		authorizer.Action_KILL_NESTED_CONTAINER, authorizer.Action_LAUNCH_NESTED_CONTAINER_SESSION,
		authorizer.Action_REMOVE_NESTED_CONTAINER, authorizer.Action_ATTACH_CONTAINER_OUTPUT:
		return true
	}
	return false
}

// providerAction reports whether a local resource provider (a subject
// with a "cid_prefix" claim) may perform the action on its containers.
func providerAction(action authorizer.Action) bool {
	switch action {
	case authorizer.Action_LAUNCH_STANDALONE_CONTAINER, authorizer.Action_WAIT_STANDALONE_CONTAINER,
		authorizer.Action_KILL_STANDALONE_CONTAINER, authorizer.Action_REMOVE_STANDALONE_CONTAINER,
		authorizer.Action_VIEW_STANDALONE_CONTAINER:
		return true
	}
	return false
}
