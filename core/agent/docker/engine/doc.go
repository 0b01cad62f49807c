// Package engine is a Docker Engine API client over the daemon's unix
// socket (--docker_socket), with net/http and no Docker SDK: it speaks the
// highest API version both sides know (negotiated through /version on
// first use), and turns a Docker task's ContainerInfo and CommandInfo into
// a container create request as Mesos's docker run does (RunSpec). The
// agent's Docker containerizer and the docker executor share it.
package engine
