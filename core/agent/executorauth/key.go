package executorauth

import (
	"errors"
	"fmt"
	"os"
)

// ErrNoKey is Mesos's refusal to authenticate executors without a key.
var ErrNoKey = errors.New("--jwt_secret_key must be specified when --authenticate_http_executors is set to true")

// LoadKey reads the --jwt_secret_key file: its whole contents, as Mesos
// reads them, are the HMAC key. warning is non-empty when others may
// read the file (Mesos warns and goes on). An empty file is refused:
// HMAC with an empty key authenticates nothing.
func LoadKey(path string) (key []byte, warning string, err error) {
	key, err = os.ReadFile(path)
	if err != nil {
		return nil, "", fmt.Errorf("failed to read the file specified by --jwt_secret_key: %w", err)
	}
	if len(key) == 0 {
		return nil, "", fmt.Errorf("the file specified by --jwt_secret_key (%s) is empty", path)
	}
	if fi, err := os.Stat(path); err == nil && fi.Mode().Perm()&0o007 != 0 {
		warning = fmt.Sprintf("Permissions on executor secret key file '%s' are too open; "+
			"it is recommended that your key file is NOT accessible by others", path)
	}
	return key, warning, nil
}
