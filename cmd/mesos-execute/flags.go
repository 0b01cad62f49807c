package main

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/gomesos/mesos/cmd/internal/cmdutil"
	"github.com/gomesos/mesos/core/flags"
	"github.com/gomesos/mesos/core/units"
)

// executeFlags are mesos-execute's flags (src/cli/execute.cpp of Mesos
// 1.x). Every mesos-execute flag lives here.
type executeFlags struct {
	AppcImage             string
	BoundingCapabilities  json.RawMessage
	Checkpoint            bool
	Command               string
	ContentType           string
	Containerizer         string
	DockerImage           string
	EffectiveCapabilities json.RawMessage
	Env                   json.RawMessage
	FailoverTimeout       units.Duration
	FrameworkCapabilities string
	Hadoop                string
	HDFS                  string
	KillAfter             units.Duration
	Master                string
	Name                  string
	Networks              string
	Overwrite             bool
	Package               string
	PartitionAware        bool
	Principal             string
	Resources             string
	RLimits               json.RawMessage
	Role                  string
	Secret                string
	Shell                 bool
	Task                  json.RawMessage
	TaskGroup             json.RawMessage
	TTY                   bool
	Version               bool
	Volumes               json.RawMessage

	// dockerContainerizer: --docker_image runs in a DOCKER container
	// (--containerizer=docker, or no --containerizer: this agent's Mesos
	// containerizer runs no images).
	dockerContainerizer bool
}

func newFlags() (*flags.FlagSet, *executeFlags) {
	f := &executeFlags{}
	// mesos-execute reads the command line only (Mesos loads its flags
	// with no environment prefix), so no SetEnvPrefix here.
	fs := flags.NewFlagSet("mesos-execute")

	fs.String(&f.AppcImage, "appc_image",
		"Appc image name that follows the Appc spec\n"+
			"(e.g., ubuntu, example.com/reduce-worker).")
	fs.JSON(&f.BoundingCapabilities, "bounding_capabilities",
		"JSON representation of system capabilities bounding set that should\n"+
			"be applied to the command.\n\n"+
			"Example:\n"+
			"{\n"+
			"   \"capabilities\": [\n"+
			"       \"NET_RAW\",\n"+
			"       \"SYS_ADMIN\"\n"+
			"     ]\n"+
			"}")
	fs.Bool(&f.Checkpoint, "checkpoint", "Enable checkpointing for the framework.", false)
	fs.String(&f.Command, "command", "Command to launch.")
	fs.String(&f.ContentType, "content_type",
		"The content type to use for scheduler protocol messages. 'json'\n"+
			"and 'protobuf' are valid choices.", "protobuf").
		Validate(cmdutil.OneOf(&f.ContentType, "content_type",
			"json", "protobuf", "application/json", "application/x-protobuf"))
	fs.String(&f.Containerizer, "containerizer",
		"Containerizer to be used (i.e., docker, mesos).", "mesos")
	fs.String(&f.DockerImage, "docker_image",
		"Docker image that follows the Docker CLI naming <image>:<tag>\n"+
			"(i.e., ubuntu, busybox:latest).")
	fs.JSON(&f.EffectiveCapabilities, "effective_capabilities",
		"JSON representation of effective system capabilities that should be\n"+
			"granted to the command.\n\n"+
			"Example:\n"+
			"{\n"+
			"   \"capabilities\": [\n"+
			"       \"NET_RAW\",\n"+
			"       \"SYS_ADMIN\"\n"+
			"     ]\n"+
			"}")
	fs.JSON(&f.Env, "env",
		"Shell command environment variables.\n"+
			"The value could be a JSON formatted string of environment variables\n"+
			"(i.e., {\"name1\": \"value1\"}) or a file path containing the JSON\n"+
			"formatted environment variables. Path should be of the form\n"+
			"'file:///path/to/file'.")
	fs.String(&f.FrameworkCapabilities, "framework_capabilities",
		"Comma-separated list of optional framework capabilities to enable.\n"+
			"RESERVATION_REFINEMENT and TASK_KILLING_STATE are always enabled.\n"+
			"PARTITION_AWARE is enabled unless --no-partition-aware is specified.")
	// Not a flag of Mesos's mesos-execute: with it the framework
	// survives a leading master's failover.
	fs.Duration(&f.FailoverTimeout, "failover_timeout",
		"How long the master keeps the framework and its task after its\n"+
			"connection ends, waiting for it to subscribe again (e.g., after\n"+
			"the leading master failed over). With --master=zk://... it is\n"+
			"10mins unless given; 0 (the default otherwise) means no failover:\n"+
			"the framework ends with its connection.")
	fs.String(&f.Hadoop, "hadoop", "Path to 'hadoop' script (used for copying packages).", "hadoop")
	fs.String(&f.HDFS, "hdfs", "The ip:port of the NameNode service.", "localhost:9000")
	fs.Duration(&f.KillAfter, "kill_after",
		"Specifies a delay after which the task is killed\n"+
			"(e.g., 10secs, 2mins, etc).")
	// Required (see check), but not with Required(): --version must work
	// without it.
	fs.String(&f.Master, "master",
		"Mesos master (e.g., IP:PORT), or zk://host1:port1,host2:port2,.../path\n"+
			"to follow the leading master through ZooKeeper.")
	fs.String(&f.Name, "name", "Name for the command.")
	fs.String(&f.Networks, "networks",
		"Comma-separated list of networks that the container will join,\n"+
			"e.g., `net1,net2`.")
	fs.Bool(&f.Overwrite, "overwrite", "Overwrite the package in HDFS if it already exists.", false)
	fs.String(&f.Package, "package",
		"Package to upload into HDFS and copy into command's\n"+
			"working directory (requires 'hadoop', see --hadoop).")
	fs.Bool(&f.PartitionAware, "partition_aware", "Enable partition-awareness for the framework.", true)
	fs.String(&f.Principal, "principal", "The principal to use for framework authentication.")
	fs.String(&f.Resources, "resources", "Resources for the command.", "cpus:1;mem:128")
	fs.JSON(&f.RLimits, "rlimits",
		"JSON representation of resource limits for the command. For\n"+
			"example, the following sets the limit for CPU time to be one\n"+
			"second, and the size of created files to be unlimited:\n"+
			"{\n"+
			"  \"rlimits\": [\n"+
			"    {\n"+
			"      \"type\":\"RLMT_CPU\",\n"+
			"      \"soft\":\"1\",\n"+
			"      \"hard\":\"1\"\n"+
			"    },\n"+
			"    {\n"+
			"      \"type\":\"RLMT_FSIZE\"\n"+
			"    }\n"+
			"  ]\n"+
			"}")
	fs.String(&f.Role, "role", "Role to use when registering.", "*")
	fs.String(&f.Secret, "secret", "The secret to use for framework authentication.").Sensitive()
	fs.Bool(&f.Shell, "shell",
		"Determine the command is a shell or not. If not, 'command' will be\n"+
			"treated as executable value and arguments (TODO).", true)
	fs.JSON(&f.Task, "task",
		"The value could be a JSON-formatted string of `TaskInfo` or a\n"+
			"file path containing the JSON-formatted `TaskInfo`. Path must\n"+
			"be of the form `file:///path/to/file` or `/path/to/file`.\n\n"+
			"See the `TaskInfo` message in `mesos.proto` for the expected\n"+
			"format. NOTE: `agent_id` need not to be set.")
	fs.JSON(&f.TaskGroup, "task_group",
		"The value could be a JSON-formatted string of `TaskGroupInfo` or a\n"+
			"file path containing the JSON-formatted `TaskGroupInfo`. Path must\n"+
			"be of the form `file:///path/to/file` or `/path/to/file`.\n\n"+
			"See the `TaskGroupInfo` message in `mesos.proto` for the expected\n"+
			"format. NOTE: `agent_id` need not to be set.")
	fs.Bool(&f.TTY, "tty", "Attach a TTY to the task being launched", false)
	// Not a flag of Mesos's mesos-execute; every binary here answers it.
	fs.Bool(&f.Version, "version", "Show version and exit.", false)
	fs.JSON(&f.Volumes, "volumes",
		"The value could be a JSON-formatted string of volumes or a\n"+
			"file path containing the JSON-formatted volumes. Path must\n"+
			"be of the form `file:///path/to/file` or `/path/to/file`.\n\n"+
			"See the `Volume` message in `mesos.proto` for the expected format.")

	return fs, f
}

// check applies the rules between flags that mesos-execute's main
// enforces after loading, with Mesos's messages.
func (f *executeFlags) check(fs *flags.FlagSet) error {
	set := func(name string) bool { return fs.Lookup(name).IsSet() }
	if !set("master") {
		return errors.New("Flag 'master' is required, but it was not provided")
	}
	task, group := set("task"), set("task_group")
	switch {
	case task && group:
		return errors.New("Either task or task group should be set but not both." +
			" Provide either '--task' OR '--task_group'")
	case !task && !group:
		if !set("name") {
			return errors.New("Missing required option --name")
		}
		if f.Shell && !set("command") {
			return errors.New("Missing required option --command")
		}
	default:
		for _, name := range []string{"name", "command", "env", "appc_image", "docker_image", "volumes"} {
			if set(name) {
				return errors.New("'--name, --command, --env, --appc_image, --docker_image," +
					" --volumes' can only be set when both '--task'" +
					" and '--task_group' are not set")
			}
		}
		if task && set("networks") {
			return errors.New("'--networks' can only be set when '--task' is not set")
		}
	}
	if set("appc_image") && set("docker_image") {
		return errors.New("Flags '--docker-image' and '--appc-image' are both set")
	}
	switch f.Containerizer {
	case "mesos", "docker":
	default:
		return fmt.Errorf("Unsupported containerizer: %s", f.Containerizer)
	}
	f.dockerContainerizer = f.Containerizer == "docker" || !set("containerizer")
	return nil
}
