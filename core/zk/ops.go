package zk

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/go-zookeeper/zk"
)

// CreatePath creates the znode at p and any missing parents, empty and
// with the session's ACL, as Mesos creates the group's path. A znode that
// exists already is fine.
func CreatePath(ctx context.Context, s *Session, p string) error {
	if p == "/" {
		return nil
	}
	if err := CheckPath(p); err != nil {
		return err
	}
	// Most of the time the path is there: one round trip.
	if ok, err := Call(ctx, func() (bool, error) { ok, _, err := s.Conn().Exists(p); return ok, err }); err == nil && ok {
		return nil
	}
	at := ""
	for c := range strings.SplitSeq(p[1:], "/") {
		at += "/" + c
		_, err := Call(ctx, func() (string, error) { return s.Conn().Create(at, nil, 0, s.ACL()) })
		if err != nil && !errors.Is(err, zk.ErrNodeExists) {
			return fmt.Errorf("creating %s in zookeeper: %w", at, err)
		}
	}
	return nil
}

// MemberNode is a member with what Exists tells of it.
type MemberNode struct {
	Member
	Stat *zk.Stat
}

// ListMembers lists the members under dir, lowest sequence first. A dir
// that does not exist has none.
func ListMembers(ctx context.Context, s *Session, dir string) ([]Member, error) {
	children, err := Call(ctx, func() ([]string, error) { c, _, err := s.Conn().Children(dir); return c, err })
	if errors.Is(err, zk.ErrNoNode) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("listing %s in zookeeper: %w", dir, err)
	}
	return Members(children), nil
}

// Masters counts the masters contending under dir (what --quorum should
// be a majority of).
func Masters(ctx context.Context, s *Session, dir string) (int, error) {
	ms, err := ListMembers(ctx, s, dir)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, m := range ms {
		if m.IsMaster() {
			n++
		}
	}
	return n, nil
}

// OwnedMembers are the members under dir whose ephemeral znode belongs to
// the session.
func OwnedMembers(ctx context.Context, s *Session, dir string) ([]MemberNode, error) {
	ms, err := ListMembers(ctx, s, dir)
	if err != nil {
		return nil, err
	}
	var owned []MemberNode
	for _, m := range ms {
		ok, stat, err := Call2(ctx, func() (bool, *zk.Stat, error) { return s.Conn().Exists(Join(dir, m.Name)) })
		if err != nil {
			return nil, fmt.Errorf("reading %s in zookeeper: %w", Join(dir, m.Name), err)
		}
		if ok && stat.EphemeralOwner == s.ID() {
			owned = append(owned, MemberNode{m, stat})
		}
	}
	return owned, nil
}

// Call2 is Call for calls with two results.
func Call2[A, B any](ctx context.Context, fn func() (A, B, error)) (A, B, error) {
	type pair struct {
		a A
		b B
	}
	p, err := Call(ctx, func() (pair, error) {
		a, b, err := fn()
		return pair{a, b}, err
	})
	return p.a, p.b, err
}
