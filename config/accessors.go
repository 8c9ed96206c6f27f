package config

import (
	"fmt"
	"os"
	"strings"
)

// SMTPPassword returns smtp.password, or the content of smtp.password_file
// without its trailing newline. The file is read here rather than at Load so
// that `veille check` works on a machine without the secret.
func (c *Config) SMTPPassword() (string, error) {
	if c.SMTP.PasswordFile == "" {
		return c.SMTP.Password, nil
	}
	b, err := os.ReadFile(c.SMTP.PasswordFile)
	if err != nil {
		return "", fmt.Errorf("reading smtp.password_file %s: %w", c.SMTP.PasswordFile, err)
	}
	s := strings.TrimSuffix(string(b), "\n")
	return strings.TrimSuffix(s, "\r"), nil
}

// RepByID returns the rep with that id.
func (c *Config) RepByID(id string) (Rep, bool) {
	for _, r := range c.Reps {
		if r.ID == id {
			return r, true
		}
	}
	return Rep{}, false
}

// Where says where the prospect was defined, "veille.yaml:42" or
// "agro.csv:5", for messages and `veille check`.
func (p Prospect) Where() string {
	return p.origin.String()
}
