// Package docker is the agent's Docker containerizer (Mesos's
// DockerContainerizer, docker-containerizer.md).
//
// A task whose ContainerInfo is of type DOCKER runs as Mesos runs it: the
// agent starts the docker executor (mesos-docker-executor, a mode of the
// executor binary, cmd/internal/executors) as a process on the host
// through a Mesos containerizer without isolators, and that executor
// creates, starts, follows and stops the task's Docker container, named
// mesos-<container id>, reporting the task's states to the agent. The
// containerizer here checks (or pulls, with the --docker_config
// credential of the image's registry: engine/dockerconfig.go) the image
// before the executor starts, stops the Docker container when the executor ends, removes it
// after --docker_remove_delay, recovers running containers after an
// agent restart, removes orphans (--docker_kill_orphans) and reads usage
// from the daemon's stats. A framework's own executor with a DOCKER
// ContainerInfo is itself the container: the containerizer builds its
// create request and the same executor binary, in that mode, runs it
// (executor_container.go). Persistent volumes are bound into the
// containers (volumes.go). Before a launch the agent's
// slavePreLaunchDockerTaskExecutorDecorator hooks may add to the
// executor's environment (prelaunch.go); --default_container_dns goes to
// the containers' create requests (engine/dns.go). Package engine is the
// Docker Engine API client both use.
package docker
