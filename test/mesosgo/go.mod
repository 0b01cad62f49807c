// A module of its own, so that the product's go.mod never gains mesos-go or
// its dependencies (doc.go says why it exists). mesos-go v0.0.11 has a go.mod
// without requirements, so the versions below are chosen here: those of its
// time that build it unmodified. prometheus/client_golang stays at v0.9.4
// because the example scheduler calls prometheus.Handler(), removed in v1.0.
module github.com/gomesos/mesos/test/mesosgo

go 1.26.0

require (
	github.com/gogo/protobuf v1.3.2
	github.com/mesos/mesos-go v0.0.11
)

require (
	github.com/beorn7/perks v1.0.0 // indirect
	github.com/golang/protobuf v1.3.1 // indirect
	github.com/google/uuid v1.0.0 // indirect
	github.com/matttproud/golang_protobuf_extensions v1.0.1 // indirect
	github.com/pborman/uuid v1.2.0 // indirect
	github.com/pquerna/ffjson v0.0.0-20190930134022-aa0246cd15f7 // indirect
	github.com/prometheus/client_golang v0.9.4 // indirect
	github.com/prometheus/client_model v0.0.0-20190129233127-fd36f4220a90 // indirect
	github.com/prometheus/common v0.4.1 // indirect
	github.com/prometheus/procfs v0.0.2 // indirect
)

tool (
	github.com/mesos/mesos-go/api/v1/cmd/example-executor
	github.com/mesos/mesos-go/api/v1/cmd/example-scheduler
)
