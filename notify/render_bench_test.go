package notify

import (
	"fmt"
	"testing"

	"github.com/veille-hq/veille/signals"
)

// BenchmarkRenderDigest500 renders a digest of 500 leads, each with two new
// signals, as a rep with a large watch list gets after a busy night.
func BenchmarkRenderDigest500(b *testing.B) {
	r, err := NewRenderer(Options{From: "Veille <veille@example.com>"})
	if err != nil {
		b.Fatal(err)
	}
	base := sampleDigest("fr", "Breizh Conserves lève 12 M€ pour sa nouvelle usine de Quimper", "https://www.ouest-eco.example/breizh")
	d := base
	d.Leads = nil
	for i := range 500 {
		dl := base.Leads[0]
		dl.Lead.Company = fmt.Sprintf("Société %d", i)
		s1, s2 := dl.New[0], dl.New[0]
		s1.ID, s2.ID = fmt.Sprintf("s%d-1", i), fmt.Sprintf("s%d-2", i)
		s2.Title = fmt.Sprintf("Société %d recrute 40 personnes à Lorient", i)
		dl.New = []signals.Signal{s1, s2}
		d.Leads = append(d.Leads, dl)
	}
	b.ReportAllocs()
	var size int
	for b.Loop() {
		m, err := r.Digest(d)
		if err != nil {
			b.Fatal(err)
		}
		size = len(m.EML)
	}
	b.ReportMetric(float64(size)/1e6, "MB/msg")
}
