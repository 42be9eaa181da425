//go:build !loadbare

package main

import (
	"fmt"
	"os"
)

func main() {
	fmt.Fprintln(os.Stderr, "loadbare is built with -tags loadbare (see `make load`)")
	os.Exit(2)
}
