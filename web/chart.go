package web

import (
	"fmt"
	"strings"
	"time"

	"github.com/veille-hq/veille/store"
)

// chart is a lead's score history drawn as an inline SVG line: scores
// 0–100 upwards, days left to right, the tier thresholds as dashed lines.
type chart struct {
	W, H        int
	Line        string // the polyline's points
	Dots        []dot
	Rules       []rule
	First, Last string // the first and last days, under the axis
}

type dot struct {
	X, Y  float64
	Title string // "3 déc. 2026 : 42"
}

type rule struct {
	Y     float64
	Label string
	Class string
}

// Chart geometry: the plot sits inside the margins.
const (
	chartW, chartH            = 640, 180
	padLeft, padRight         = 34, 12
	padTop, padBottom         = 10, 24
	plotW, plotH              = chartW - padLeft - padRight, chartH - padTop - padBottom
	maxScore          float64 = 100
)

// newChart draws points (oldest first, days YYYY-MM-DD) with the hot and
// potential thresholds; ok is false when there is nothing to draw.
func newChart(c catalog, points []store.HistoryPoint, hot, potential float64) (chart, bool) {
	type pt struct {
		day   time.Time
		score float64
	}
	var pts []pt
	for _, p := range points {
		d, err := time.Parse(time.DateOnly, p.Day)
		if err == nil {
			pts = append(pts, pt{d, p.Score})
		}
	}
	if len(pts) == 0 {
		return chart{}, false
	}
	ch := chart{W: chartW, H: chartH, First: c.shortDay(pts[0].day)}
	if len(pts) > 1 {
		ch.Last = c.shortDay(pts[len(pts)-1].day)
	}
	span := pts[len(pts)-1].day.Sub(pts[0].day).Hours() / 24
	y := func(score float64) float64 {
		return round2(padTop + plotH*(1-min(max(score, 0), maxScore)/maxScore))
	}
	var line []string
	for _, p := range pts {
		x := float64(padLeft + plotW/2)
		if span > 0 {
			x = padLeft + plotW*(p.day.Sub(pts[0].day).Hours()/24)/span
		}
		x = round2(x)
		line = append(line, fmt.Sprintf("%g,%g", x, y(p.score)))
		ch.Dots = append(ch.Dots, dot{X: x, Y: y(p.score), Title: fmt.Sprintf("%s%s%g", c.date(p.day), c.Colon, p.score)})
	}
	ch.Line = strings.Join(line, " ")
	ch.Rules = []rule{{Y: y(0), Label: "0", Class: "axis"}, {Y: y(maxScore), Label: "100", Class: "grid"}}
	if potential > 0 && potential < maxScore {
		ch.Rules = append(ch.Rules, rule{Y: y(potential), Label: fmt.Sprintf("%g", potential), Class: "potential"})
	}
	if hot > 0 && hot < maxScore {
		ch.Rules = append(ch.Rules, rule{Y: y(hot), Label: fmt.Sprintf("%g", hot), Class: "hot"})
	}
	return ch, true
}

func round2(f float64) float64 { return float64(int(f*100+0.5)) / 100 }
