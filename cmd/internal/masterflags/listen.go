package masterflags

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Listen binds the master's socket: --ip (or what --ip_discovery_command
// prints; every address without either) and --port. A port in use fails
// at once, as Mesos's does.
func (f *Flags) Listen(ctx context.Context) (net.Listener, error) {
	ip, err := f.bindIP(ctx)
	if err != nil {
		return nil, err
	}
	addr := net.JoinHostPort(ip, strconv.Itoa(f.Port))
	l, err := net.Listen("tcp", addr)
	if errors.Is(err, syscall.EADDRINUSE) {
		return nil, fmt.Errorf("Failed to bind %s: Address already in use (is another master, or another process, using port %d?)", addr, f.Port)
	}
	if err != nil {
		return nil, fmt.Errorf("Failed to bind %s: %w", addr, err)
	}
	return l, nil
}

// bindIP is the address to bind: --ip, the output of
// --ip_discovery_command, or all addresses.
func (f *Flags) bindIP(ctx context.Context) (string, error) {
	switch {
	case f.IP != "":
		if net.ParseIP(f.IP) == nil {
			return "", fmt.Errorf("--ip: '%s' is not an IP address", f.IP)
		}
		return f.IP, nil
	case f.IPDiscoveryCommand != "":
		ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
		out, err := exec.CommandContext(ctx, "sh", "-c", f.IPDiscoveryCommand).Output()
		if err != nil {
			return "", fmt.Errorf("--ip_discovery_command failed: %w", err)
		}
		ip := strings.TrimSpace(string(out))
		if net.ParseIP(ip) == nil {
			return "", fmt.Errorf("--ip_discovery_command printed '%s', not an IP address", ip)
		}
		return ip, nil
	}
	return "0.0.0.0", nil
}

// advertisedIP is the IP the master advertises: --advertise_ip, else the
// one it is bound to, else its hostname's first non-loopback IPv4
// address, else 127.0.0.1.
func (f *Flags) advertisedIP(l net.Listener) string {
	if f.AdvertiseIP != "" {
		return f.AdvertiseIP
	}
	if addr, ok := l.Addr().(*net.TCPAddr); ok && !addr.IP.IsUnspecified() {
		return addr.IP.String()
	}
	if name, err := os.Hostname(); err == nil {
		if addrs, err := net.LookupIP(name); err == nil {
			for _, ip := range addrs {
				if v4 := ip.To4(); v4 != nil && !v4.IsLoopback() {
					return v4.String()
				}
			}
		}
	}
	return "127.0.0.1"
}

// advertisedPort is --advertise_port, else the port bound.
func (f *Flags) advertisedPort(l net.Listener) int {
	if f.AdvertisePort > 0 {
		return f.AdvertisePort
	}
	if addr, ok := l.Addr().(*net.TCPAddr); ok {
		return addr.Port
	}
	return f.Port
}

// hostname is what the master advertises as its hostname: --hostname,
// else (with --hostname_lookup) the name the IP resolves to, else the IP.
func (f *Flags) hostname(ctx context.Context, ip string) string {
	if f.Hostname != "" {
		return f.Hostname
	}
	if !f.HostnameLookup {
		return ip
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if names, err := net.DefaultResolver.LookupAddr(ctx, ip); err == nil && len(names) > 0 {
		return strings.TrimSuffix(names[0], ".")
	}
	return ip
}
