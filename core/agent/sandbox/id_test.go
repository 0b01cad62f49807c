package sandbox

import (
	"errors"
	"strings"
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/core/proto/mesospb"
)

func TestValidateID(t *testing.T) {
	tests := []struct {
		id string
		ok bool
	}{
		{"abc", true},
		{"0b1f6a2e-4c3d-4b7e-9a1f-000000000000-S0", true},
		{"task.with.dots", true},
		{"with space", true},
		{"ünïcode", true},
		{"..a", true},
		{"a..", true},
		{strings.Repeat("x", 255), true},
		{"", false},
		{".", false},
		{"..", false},
		{"a/b", false},
		{"/", false},
		{"../x", false},
		{`a\b`, false},
		{"a\x00b", false},
		{"a\nb", false},
		{"\t", false},
		{"a\x7fb", false},
		{strings.Repeat("x", 256), false},
	}
	for _, tt := range tests {
		err := ValidateID(tt.id)
		if (err == nil) != tt.ok {
			t.Errorf("ValidateID(%q) = %v, want ok=%v", tt.id, err, tt.ok)
		}
		if err != nil && !errors.Is(err, ErrInvalidID) {
			t.Errorf("ValidateID(%q) error %v does not wrap ErrInvalidID", tt.id, err)
		}
		if err != nil && strings.ContainsAny(err.Error(), "\x00\n\x7f") {
			t.Errorf("ValidateID(%q) error carries control characters: %q", tt.id, err)
		}
	}
}

func TestValidateContainerID(t *testing.T) {
	tests := []struct {
		id string
		ok bool
	}{
		{"a0b1c2d3-e4f5-4a6b-8c7d-9e0f1a2b3c4d", true},
		{"redis", true},
		{"a.b", false},
		{"a b", false},
		{".", false},
		{"..", false},
		{"a/b", false},
		{"", false},
	}
	for _, tt := range tests {
		if err := ValidateContainerID(tt.id); (err == nil) != tt.ok {
			t.Errorf("ValidateContainerID(%q) = %v, want ok=%v", tt.id, err, tt.ok)
		}
	}
}

func TestValidateContainerIDChain(t *testing.T) {
	good := &mesospb.ContainerID{Value: proto.String("child"), Parent: &mesospb.ContainerID{Value: proto.String("root")}}
	if err := ValidateContainerIDChain(good); err != nil {
		t.Fatalf("good chain: %v", err)
	}
	bad := &mesospb.ContainerID{Value: proto.String("child"), Parent: &mesospb.ContainerID{Value: proto.String("..")}}
	err := ValidateContainerIDChain(bad)
	if err == nil || !strings.Contains(err.Error(), "parent") {
		t.Fatalf("bad parent: %v", err)
	}
}
