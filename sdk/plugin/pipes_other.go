//go:build !unix

package plugin

func ignoreBrokenPipes() {}
