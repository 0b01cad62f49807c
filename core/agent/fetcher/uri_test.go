package fetcher

import "testing"

func TestBasename(t *testing.T) {
	tests := []struct {
		uri, want string
		ok        bool
	}{
		{"http://host/path/file.tar.gz", "file.tar.gz", true},
		{"https://host:8080/a/b?c=d", "b?c=d", true},
		{"http://host/a?x=y/z", "z", true}, // Mesos treats URIs as paths
		{"hdfs://nn/path/f", "f", true},
		{"file:///tmp/x.zip", "x.zip", true},
		{"/tmp/dir/exe", "exe", true},
		{"relative/f.txt", "f.txt", true},
		{"f.txt", "f.txt", true},
		{"/tmp/dir/", "dir", true},
		{"http://host", "", false},
		{"http://host/", "", false},
		{"http://host/dir/", "", false},
		{"http://host/..", "", false},
		{"http://host/a/.", "", false},
		{"/", "", false},
		{"", "", false},
		{"..", "", false},
		{`C:\x`, "", false},
		{"it's", "", false},
		{"a\x00b", "", false},
	}
	for _, tt := range tests {
		got, err := basename(tt.uri)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("basename(%q) = %q, %v; want %q ok=%v", tt.uri, got, err, tt.want, tt.ok)
		}
	}
}

func TestClassify(t *testing.T) {
	tests := []struct {
		uri  string
		want uriKind
	}{
		{"http://h/f", kindHTTP},
		{"https://h/f", kindHTTP},
		{"file:///f", kindLocal},
		{"/abs/f", kindLocal},
		{"rel/f", kindLocal},
		{"ftp://h/f", kindUnsupported},
		{"hdfs://h/f", kindUnsupported},
		{"s3://b/f", kindUnsupported},
		{"HTTP://h/f", kindUnsupported},
	}
	for _, tt := range tests {
		if got := classify(tt.uri); got != tt.want {
			t.Errorf("classify(%q) = %v, want %v", tt.uri, got, tt.want)
		}
	}
}

func TestLocalPath(t *testing.T) {
	tests := []struct {
		uri, home, want string
		ok              bool
	}{
		{"/abs/f", "", "/abs/f", true},
		{"file:///abs/f", "", "/abs/f", true},
		{"file://localhost/abs/f", "", "/abs/f", true},
		{"file://rel/f", "", "", false},
		{"rel/f", "", "", false},
		{"rel/f", "/home/fw", "/home/fw/rel/f", true},
		{"file://rel/f", "/home/fw", "", false},
	}
	for _, tt := range tests {
		got, err := localPath(tt.uri, tt.home)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("localPath(%q, %q) = %q, %v; want %q ok=%v", tt.uri, tt.home, got, err, tt.want, tt.ok)
		}
	}
}

func TestOutputName(t *testing.T) {
	tests := []struct {
		uri, out string
		hasOut   bool
		want     string
		ok       bool
	}{
		{"http://h/f.tgz", "", false, "f.tgz", true},
		{"http://h/f.tgz", "renamed", true, "renamed", true},
		{"http://h/f.tgz", "sub/dir/renamed", true, "sub/dir/renamed", true},
		{"http://h/f.tgz", "./a/../b", true, "b", true},
		{"http://h/f.tgz", "../escape", true, "", false},
		{"http://h/f.tgz", "a/../../escape", true, "", false},
		{"http://h/f.tgz", "/etc/passwd", true, "", false},
		{"http://h/f.tgz", "", true, "", false},
		{"http://h/f.tgz", ".", true, "", false},
		{"http://h/f.tgz", "a/..", true, "", false},
		{"http://h/f.tgz", "a\x00b", true, "", false},
		{"http://h/", "", false, "", false},
	}
	for _, tt := range tests {
		got, err := outputName(tt.uri, tt.out, tt.hasOut)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("outputName(%q, %q) = %q, %v; want %q ok=%v", tt.uri, tt.out, got, err, tt.want, tt.ok)
		}
	}
}

func TestKindOf(t *testing.T) {
	tests := []struct {
		name string
		want archiveKind
	}{
		{"a.tar", isArchive}, {"a.tgz", isArchive}, {"a.tar.gz", isArchive},
		{"a.tbz2", isArchive}, {"a.tar.bz2", isArchive}, {"a.txz", isArchive},
		{"a.tar.xz", isArchive}, {"a.zip", isArchive},
		{"a.gz", isGzip}, {"a.txt.gz", isGzip},
		{"a.bz2", notArchive}, {"a.xz", notArchive}, {"a.TAR", notArchive},
		{"a.jar", notArchive}, {"tar", notArchive}, {"a", notArchive},
	}
	for _, tt := range tests {
		if got := kindOf(tt.name); got != tt.want {
			t.Errorf("kindOf(%q) = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestCacheNames(t *testing.T) {
	if got := cacheFileName(3, "short.tgz"); got != "c3-short.tgz" {
		t.Errorf("cacheFileName = %s", got)
	}
	if got := cacheFileName(12, "a-very-long-file-name-indeed.tar.gz"); got != "c12-a-very-lon_eed.tar.gz" {
		t.Errorf("cacheFileName long = %s", got)
	}
	if got := cacheKey("", "http://h/f"); got != "http://h/f" {
		t.Errorf("cacheKey no user = %s", got)
	}
	if got := cacheKey("alice", "http://h/f"); got != "alice@http://h/f" {
		t.Errorf("cacheKey = %s", got)
	}
}

func TestRedact(t *testing.T) {
	if got := redact("https://bob:secret@h/f"); got != "https://bob:xxxxx@h/f" {
		t.Errorf("redact = %s", got)
	}
	if got := redactKey("alice@https://bob:secret@h/f"); got != "alice@https://bob:xxxxx@h/f" {
		t.Errorf("redactKey = %s", got)
	}
	if got := redact("/local/path"); got != "/local/path" {
		t.Errorf("redact local = %s", got)
	}
}
