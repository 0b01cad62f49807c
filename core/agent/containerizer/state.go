package containerizer

// State is where a container is in its life.
type State int

// The states of Mesos's containerizer (less PROVISIONING: there are no
// container images here).
const (
	StatePreparing State = iota + 1
	StateIsolating
	StateFetching
	StateRunning
	StateDestroying
)

func (s State) String() string {
	switch s {
	case StatePreparing:
		return "PREPARING"
	case StateIsolating:
		return "ISOLATING"
	case StateFetching:
		return "FETCHING"
	case StateRunning:
		return "RUNNING"
	case StateDestroying:
		return "DESTROYING"
	default:
		return "UNKNOWN"
	}
}

// next is the only forward move from each state; DESTROYING is reachable
// from every state but itself.
func (s State) next() State {
	switch s {
	case StatePreparing:
		return StateIsolating
	case StateIsolating:
		return StateFetching
	case StateFetching:
		return StateRunning
	default:
		return 0
	}
}

// canMove reports whether a container may go from s to t.
func (s State) canMove(t State) bool {
	if t == StateDestroying {
		return s != StateDestroying
	}
	return s.next() == t
}
