module github.com/veille-hq/veille

go 1.26.0

require (
	github.com/petar-dambovaliev/aho-corasick v0.0.0-20250424160509-463d218d4745
	go.yaml.in/yaml/v3 v3.0.6
	golang.org/x/text v0.43.0
)
