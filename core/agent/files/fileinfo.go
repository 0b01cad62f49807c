package files

import (
	"io/fs"
	"os/user"
	"strconv"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/core/proto/mesospb"
)

// POSIX st_mode bits, which FileInfo.mode carries as Mesos fills it from
// stat(2).
const (
	sIFSOCK = 0o140000
	sIFLNK  = 0o120000
	sIFREG  = 0o100000
	sIFBLK  = 0o060000
	sIFDIR  = 0o040000
	sIFCHR  = 0o020000
	sIFIFO  = 0o010000
	sISUID  = 0o4000
	sISGID  = 0o2000
	sISVTX  = 0o1000
	sIFMT   = 0o170000
)

// posixMode turns Go's file mode into st_mode.
func posixMode(m fs.FileMode) uint32 {
	mode := uint32(m.Perm())
	switch {
	case m&fs.ModeDir != 0:
		mode |= sIFDIR
	case m&fs.ModeSymlink != 0:
		mode |= sIFLNK
	case m&fs.ModeNamedPipe != 0:
		mode |= sIFIFO
	case m&fs.ModeSocket != 0:
		mode |= sIFSOCK
	case m&fs.ModeCharDevice != 0:
		mode |= sIFCHR
	case m&fs.ModeDevice != 0:
		mode |= sIFBLK
	default:
		mode |= sIFREG
	}
	if m&fs.ModeSetuid != 0 {
		mode |= sISUID
	}
	if m&fs.ModeSetgid != 0 {
		mode |= sISGID
	}
	if m&fs.ModeSticky != 0 {
		mode |= sISVTX
	}
	return mode
}

// modeString is the `ls -l` form Mesos puts in browse listings
// ("drwxr-xr-x"): a type letter and nine permission letters (no s/t).
func modeString(mode uint32) string {
	var b [10]byte
	switch mode & sIFMT {
	case sIFDIR:
		b[0] = 'd'
	case sIFCHR:
		b[0] = 'c'
	case sIFBLK:
		b[0] = 'b'
	case sIFIFO:
		b[0] = 'p'
	case sIFLNK:
		b[0] = 'l'
	case sIFSOCK:
		b[0] = 's'
	default:
		b[0] = '-'
	}
	const rwx = "rwxrwxrwx"
	for i := 0; i < 9; i++ {
		if mode&(1<<(8-i)) != 0 {
			b[i+1] = rwx[i]
		} else {
			b[i+1] = '-'
		}
	}
	return string(b[:])
}

// names caches user and group names for one listing.
type names struct {
	users, groups map[uint32]string
}

func newNames() *names { return &names{users: map[uint32]string{}, groups: map[uint32]string{}} }

// user is the name of uid, or the number when there is none (as Mesos).
func (n *names) user(uid uint32) string {
	if s, ok := n.users[uid]; ok {
		return s
	}
	s := strconv.FormatUint(uint64(uid), 10)
	if u, err := user.LookupId(s); err == nil {
		s = u.Username
	}
	n.users[uid] = s
	return s
}

func (n *names) group(gid uint32) string {
	if s, ok := n.groups[gid]; ok {
		return s
	}
	s := strconv.FormatUint(uint64(gid), 10)
	if g, err := user.LookupGroupId(s); err == nil {
		s = g.Name
	}
	n.groups[gid] = s
	return s
}

// fileInfo is Mesos's createFileInfo: the stat of a file under the path
// the client asked for; mtime in whole seconds.
func fileInfo(path string, st fs.FileInfo, n *names) *mesospb.FileInfo {
	nlink, uid, gid := ownership(st)
	return &mesospb.FileInfo{
		Path:  proto.String(path),
		Nlink: proto.Int32(nlink),
		Size:  proto.Uint64(uint64(max(st.Size(), 0))),
		Mtime: &mesospb.TimeInfo{Nanoseconds: proto.Int64(st.ModTime().Unix() * 1e9)},
		Mode:  proto.Uint32(posixMode(st.Mode())),
		Uid:   proto.String(n.user(uid)),
		Gid:   proto.String(n.group(gid)),
	}
}
