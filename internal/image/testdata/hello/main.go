// Command hello is a stand-in binary for the image tests: small and quick
// to build statically.
package main

import "fmt"

func main() { fmt.Println("hello") }
