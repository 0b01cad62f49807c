// Package fetcher provisions a task's sandbox with the URIs of its
// CommandInfo, as Mesos's fetcher does (src/slave/containerizer/fetcher.cpp
// and src/launcher/fetcher.cpp), but in process: there is no mesos-fetcher
// child, so a fetch is bounded by its context (deadline, cancellation when
// the container is killed), by a stall timeout and by a maximum download
// size.
//
// For every URI:
//
//   - http:// and https:// are downloaded with the http.Client the agent
//     passes in (redirects followed; anything but 200 fails; no content
//     coding asked for, as libcurl); file://, file://localhost/ and
//     absolute paths are copied; relative paths are resolved against
//     --frameworks_home. With a user, a root agent opens local files with
//     the user's file-system identity, as the mesos-fetcher su's to the
//     user. Other schemes (ftp, hdfs, s3) fail: there is no Hadoop client
//     here.
//   - the result is named after the URI's last path segment, or output_file,
//     which must stay inside the sandbox (it may name subdirectories);
//   - executable: the result is made mode 0755 and never extracted;
//   - extract (the default): a name ending in .tar .tgz .tar.gz .tbz2
//     .tar.bz2 .txz .tar.xz or .zip is unpacked into the sandbox root, the
//     format detected from the content as libarchive does; a bare .gz is
//     gunzipped to the name without .gz. Unpacking refuses entries with
//     absolute paths or ".." elements, links pointing outside the sandbox
//     and writes through symlinks; device nodes are skipped. gzip, bzip2,
//     tar and zip use the standard library; xz is decompressed by the "xz"
//     program (when it is not installed, .txz/.tar.xz fail with an error
//     saying so) while the tar stream it produces is still read and checked
//     here;
//   - cache: the download goes through a size-bounded cache
//     (--fetcher_cache_dir, --fetcher_cache_size) keyed by user and URI:
//     concurrent fetches of one URI share one download, entries in use are
//     never evicted, the least recently used go first, and a download the
//     cache cannot hold (larger than the cache, of unknown size, or no room
//     after eviction) goes straight to the sandbox instead, as Mesos falls
//     back to bypassing the cache.
//
// Like the mesos-fetcher, a fetch truncates the sandbox's stdout and stderr
// and writes its progress to stderr as glog-style lines, so the task's
// stderr starts with the fetcher's account; the same events go to the
// agent's slog logger. A failure is an *Error naming the URI; the agent
// reports it as TASK_FAILED with REASON_FETCHER_FAILED.
package fetcher
