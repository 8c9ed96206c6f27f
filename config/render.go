package config

import "fmt"

// RenderChromium is the one value of a page's render: the page is
// rendered by a headless Chromium before its selectors read it.
const RenderChromium = "chromium"

// pageRender checks a page's render setting.
func (v *validator) pageRender(wi, pi, j int, pg Page) {
	switch pg.Render {
	case "", RenderChromium:
	default:
		v.atProspect(wi, pi, fmt.Sprintf("pages[%d].render", j), `expected "chromium" (render the page with a headless browser first) or nothing, got %q`, pg.Render)
	}
}
