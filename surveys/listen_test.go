package surveys

import (
	"net"
	"testing"

	"github.com/gofiber/fiber/v2"
)

// listen serves app on a real 127.0.0.1 listener for the test and returns its address.
func listen(t *testing.T, app *fiber.App) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go app.Listener(ln)
	t.Cleanup(func() { app.Shutdown() })
	return ln.Addr().String()
}
