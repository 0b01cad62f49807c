// Package jsoncodec encodes and decodes protobuf messages in the JSON dialect
// that Apache Mesos speaks on its v1 HTTP APIs and state endpoints.
//
// Mesos's dialect differs from the canonical proto3 JSON mapping (protojson),
// and real clients depend on the differences:
//
//   - Field names are the .proto names (framework_id, not frameworkId).
//   - 64-bit integers are JSON numbers, not strings.
//   - Enums are their value names; bytes are standard base64.
//   - Map fields are JSON objects ({"cpus": {"value": 1}}), as Mesos's
//     documentation shows them; the array-of-{"key","value"} form that
//     protobuf reflection suggests is accepted on input too.
//   - Besides the fields that are set, unset optional fields that declare an
//     explicit, non-deprecated default are written with that default (Mesos's
//     stout writes CommandInfo.shell=true even when a client left it out).
//
// Decoding follows Mesos's parser and is liberal where that loses nothing:
// JSON null means unset; unknown fields are ignored; numbers may carry an
// exponent (3.6e+06) as long as an integer field receives an integral value;
// an unknown enum name leaves an optional field unset (as proto2 does) but is
// an error for a required field; a single value where an array is expected is
// taken as a one-element array (Mesos does the same). Beyond Mesos, we also
// accept 64-bit integers written as strings and enums written as numbers, as
// protojson-based clients send them, and lowerCamelCase field names.
// Missing required fields are an error naming the field.
package jsoncodec
