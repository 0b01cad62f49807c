package zk

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// The labels of the masters' znodes.
const (
	// MasterInfoJSONLabel: json.info_<seq> holds the MasterInfo as JSON,
	// what Mesos masters write since 0.24 and what ours write.
	MasterInfoJSONLabel = "json.info"
	// MasterInfoLabel: info_<seq> holds the MasterInfo as binary protobuf,
	// what Mesos masters wrote before 0.24.
	MasterInfoLabel = "info"
)

// SequenceDigits is how many digits ZooKeeper writes a sequence with.
const SequenceDigits = 10

// Member is a child of the group's znode that is a member: [label_]<seq>.
type Member struct {
	// Name is the znode's name (not its path).
	Name string
	// Label is what comes before the first '_', empty for a bare
	// sequence.
	Label string
	// Sequence is the number after the last '_'.
	Sequence int32
}

// ParseMember reads a child's name as Mesos's Group does: split on '_'
// (runs of '_' count as one), the first part is the label when there is
// more than one, and the last must be a 32-bit sequence number (ZooKeeper's
// counter is signed and wraps to negative numbers). A name without a
// sequence is not a member.
func ParseMember(name string) (Member, bool) {
	tokens := strings.FieldsFunc(name, func(r rune) bool { return r == '_' })
	if len(tokens) == 0 {
		return Member{}, false
	}
	last := tokens[len(tokens)-1]
	digits := strings.TrimPrefix(last, "-")
	if digits == "" || strings.TrimLeft(digits, "0123456789") != "" {
		return Member{}, false
	}
	seq, err := strconv.ParseInt(last, 10, 32)
	if err != nil {
		return Member{}, false
	}
	m := Member{Name: name, Sequence: int32(seq)}
	if len(tokens) > 1 {
		m.Label = tokens[0]
	}
	return m, true
}

// MemberName is the name ZooKeeper gives the sequential znode label_ when
// its sequence is seq: label_0000000042.
func MemberName(label string, seq int32) string {
	name := fmt.Sprintf("%0*d", SequenceDigits, seq)
	if label == "" {
		return name
	}
	return label + "_" + name
}

// Members are the members among children, lowest sequence first.
func Members(children []string) []Member {
	var ms []Member
	for _, c := range children {
		if m, ok := ParseMember(c); ok {
			ms = append(ms, m)
		}
	}
	slices.SortFunc(ms, func(a, b Member) int {
		if a.Sequence != b.Sequence {
			if a.Sequence < b.Sequence {
				return -1
			}
			return 1
		}
		return strings.Compare(a.Name, b.Name)
	})
	return ms
}

// IsMaster reports whether m is a master's znode: json.info_, info_ or a
// bare sequence.
func (m Member) IsMaster() bool {
	switch m.Label {
	case MasterInfoJSONLabel, MasterInfoLabel, "":
		return true
	}
	return false
}

// LeaderOf is the leading master among members (sorted, as Members returns
// them): the master with the lowest sequence. Members with other labels
// are not masters and are passed over; Mesos would take one as the leader
// and then fail to read it.
func LeaderOf(members []Member) (Member, bool) {
	for _, m := range members {
		if m.IsMaster() {
			return m, true
		}
	}
	return Member{}, false
}

// Join is the path of the child name of the znode at dir.
func Join(dir, name string) string {
	if dir == "/" {
		return "/" + name
	}
	return dir + "/" + name
}

// Parent is the path of the znode above p ("/" for a child of the root).
func Parent(p string) string {
	i := strings.LastIndexByte(p, '/')
	if i <= 0 {
		return "/"
	}
	return p[:i]
}
