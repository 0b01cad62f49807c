// Package units holds the two value types of Mesos's operator surface that
// are not plain numbers: durations ("5secs", "15mins") and byte sizes
// ("512MB", "2GB").
//
// Both follow Apache Mesos's stout library (stout/duration.hpp and
// stout/bytes.hpp) in what they accept and, more importantly, in how they
// print: Mesos writes these strings into places that other programs read,
// such as the executor environment (MESOS_EXECUTOR_SHUTDOWN_GRACE_PERIOD=5secs),
// the /flags endpoint and --help, so the text must be byte-for-byte what
// Mesos would produce.
//
// The package lives apart from core/flags because the wire code (executor
// environment, state endpoints) needs to print durations without depending
// on the flag parser.
package units
