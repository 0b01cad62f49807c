module github.com/gomesos/mesos

go 1.26.0

require google.golang.org/protobuf v1.36.12

require golang.org/x/sys v0.49.0
