package demo

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html/template"
	"time"
)

var frMonths = [...]string{"janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"}

// humanDate writes a date the way a site in that language shows it; the
// machine-readable date goes in <time datetime>.
func humanDate(t time.Time, lang string) string {
	if lang == "fr" {
		return fmt.Sprintf("%d %s %d", t.Day(), frMonths[t.Month()-1], t.Year())
	}
	return t.Format("2 January 2006")
}

type pageItem struct {
	Title, Href, ISODate, Human string
	Summary                     template.HTML
}

// summaryHTML returns an item's summary as markup: the corpus holds markup
// for outlets that publish HTML and plain text for the others.
func summaryHTML(o *outlet, it *item) template.HTML {
	if o.Source.HTML != "" {
		return template.HTML(it.Summary) // the embedded corpus is trusted
	}
	return template.HTML(template.HTMLEscapeString(it.Summary))
}

func pageDate(now time.Time, it *item, lang string) (iso, human string) {
	t := published(now, it).UTC()
	return t.Format(time.DateOnly), humanDate(t, lang)
}

var pageTmpl = template.Must(template.New("page").Parse(`{{define "head"}}<!doctype html>
<html lang="{{.Lang}}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.PageTitle}}</title>
{{if .FeedHref}}<link rel="alternate" type="application/{{.FeedKind}}+xml" title="{{.Name}}" href="{{.FeedHref}}">
{{end}}</head>
<body>
<header><nav><a href="/{{.Slug}}/">{{.Name}}</a></nav></header>
<main>
{{end}}
{{define "foot"}}</main>
<footer><p>{{.Name}} — {{.Description}}</p></footer>
</body>
</html>
{{end}}
{{define "newsroom"}}{{template "head" .}}<h1>{{if eq .Lang "fr"}}Actualités{{else}}News{{end}}</h1>
<section class="news-list">
{{range .Items}}<article class="news">
  <h2><a href="{{.Href}}">{{.Title}}</a></h2>
  <time datetime="{{.ISODate}}">{{.Human}}</time>
  <p>{{.Summary}}</p>
</article>
{{end}}</section>
{{template "foot" .}}{{end}}
{{define "jsnewsroom"}}{{template "head" .}}<h1>{{if eq .Lang "fr"}}Actualités{{else}}News{{end}}</h1>
<section class="news-list" id="news"><p class="loading">{{if eq .Lang "fr"}}Chargement…{{else}}Loading…{{end}}</p></section>
<script src="{{.ScriptHref}}"></script>
{{template "foot" .}}{{end}}
{{define "home"}}{{template "head" .}}<h1>{{.Name}}</h1>
<p>{{.Description}}</p>
<ul>
{{if .NewsHref}}<li><a href="{{.NewsHref}}">{{if eq .Lang "fr"}}Actualités{{else}}News{{end}}</a></li>{{end}}
{{if .CareersHref}}<li><a href="{{.CareersHref}}">Carrières</a></li>{{end}}
</ul>
{{template "foot" .}}{{end}}
{{define "article"}}{{template "head" .}}<article>
<h1>{{.Item.Title}}</h1>
<p class="meta"><time datetime="{{.Item.ISODate}}">{{.Item.Human}}</time></p>
<div class="lede">{{.Item.Summary}}</div>
<p><a href="{{.NewsHref}}">{{if eq .Lang "fr"}}Toutes les actualités{{else}}All news{{end}}</a></p>
</article>
{{template "foot" .}}{{end}}
{{define "careers"}}{{template "head" .}}<h1>Nous rejoindre</h1>
<p>{{len .Offers}} offres d'emploi</p>
{{range .Offers}}<div class="job-offer">
  <h3>{{.Title}}</h3>
  <p>{{.Place}}</p>
</div>
{{end}}{{template "foot" .}}{{end}}
{{define "index"}}<!doctype html>
<html lang="fr">
<head><meta charset="utf-8"><title>veille demo corpus</title></head>
<body>
<h1>veille demo corpus</h1>
<p>Invented companies and news served for <code>veille demo</code>.</p>
<ul>
{{range .}}<li><a href="{{.Href}}">{{.Name}}</a></li>
{{end}}</ul>
</body>
</html>
{{end}}`))

type pageView struct {
	*outlet
	PageTitle, FeedHref, FeedKind, NewsHref, CareersHref string
	ScriptHref                                           string
	Items                                                []pageItem
	Item                                                 pageItem
	Offers                                               []jobOffer
}

func execPage(name string, v any) ([]byte, error) {
	var b bytes.Buffer
	if err := pageTmpl.ExecuteTemplate(&b, name, v); err != nil {
		return nil, fmt.Errorf("render %s page: %w", name, err)
	}
	return b.Bytes(), nil
}

// renderNewsroom is the page of a company without a feed: the list the
// config reads in selector mode (article.news, h2, a@href, time@datetime, p).
// A JavaScript-only newsroom is an empty shell: its script writes the list.
func renderNewsroom(o *outlet, now time.Time) ([]byte, error) {
	v := pageView{outlet: o, PageTitle: "Actualités — " + o.Name}
	if o.Source.Render != "" {
		v.ScriptHref = o.scriptPath()
		return execPage("jsnewsroom", v)
	}
	for _, it := range sortedByAge(o) {
		iso, human := pageDate(now, it, o.Lang)
		v.Items = append(v.Items, pageItem{Title: it.Title, Href: o.articlePath(it), ISODate: iso, Human: human, Summary: summaryHTML(o, it)})
	}
	return execPage("newsroom", v)
}

// renderHome is a company's home page; for feed publishers it advertises
// the feed the way feed autodiscovery expects (a relative href on purpose).
func renderHome(o *outlet, careers bool) ([]byte, error) {
	v := pageView{outlet: o, PageTitle: o.Name}
	switch o.Source.Kind {
	case "rss", "atom":
		v.FeedHref, v.FeedKind = o.feedPath()[len(o.homePath()):], o.Source.Kind
	case "page":
		v.NewsHref = o.feedPath()
	}
	if careers {
		v.CareersHref = o.careersPath()
	}
	return execPage("home", v)
}

// renderArticle is the page an item links to, so links in digests work.
func renderArticle(o *outlet, it *item, now time.Time) ([]byte, error) {
	iso, human := pageDate(now, it, o.Lang)
	v := pageView{outlet: o, PageTitle: it.Title + " — " + o.Name, NewsHref: o.homePath(),
		Item: pageItem{Title: it.Title, ISODate: iso, Human: human, Summary: summaryHTML(o, it)}}
	if o.Source.Kind == "page" {
		v.NewsHref = o.feedPath()
	}
	return execPage("article", v)
}

func renderCareers(c *company, offers []jobOffer) ([]byte, error) {
	return execPage("careers", pageView{outlet: &c.outlet, PageTitle: "Carrières — " + c.Name, Offers: offers})
}

type indexEntry struct{ Name, Href string }

func renderIndex(c *corpus) ([]byte, error) {
	entries := []indexEntry{{c.Regional.Name, c.Regional.homePath()}}
	for _, co := range c.Companies {
		entries = append(entries, indexEntry{co.Name, co.homePath()})
	}
	return execPage("index", entries)
}

// newsroomScript writes a JavaScript-only newsroom's list into its shell,
// after the load event, with the markup of renderNewsroom; text goes in as
// text, never as markup.
const newsroomScript = `window.addEventListener("load", () => setTimeout(() => {
  const box = document.getElementById("news");
  box.textContent = "";
  for (const n of NEWS) {
    const art = document.createElement("article");
    art.className = "news";
    const h2 = document.createElement("h2");
    const a = document.createElement("a");
    a.href = n.href;
    a.textContent = n.title;
    h2.appendChild(a);
    const time = document.createElement("time");
    time.dateTime = n.iso;
    time.textContent = n.human;
    const p = document.createElement("p");
    p.textContent = n.summary;
    art.append(h2, time, p);
    box.appendChild(art);
  }
}, 100));
`

func renderNewsroomScript(o *outlet, now time.Time) ([]byte, error) {
	type entry struct {
		Href    string `json:"href"`
		Title   string `json:"title"`
		ISO     string `json:"iso"`
		Human   string `json:"human"`
		Summary string `json:"summary"`
	}
	var list []entry
	for _, it := range sortedByAge(o) {
		iso, human := pageDate(now, it, o.Lang)
		list = append(list, entry{Href: o.articlePath(it), Title: it.Title, ISO: iso, Human: human, Summary: it.Summary})
	}
	j, err := json.Marshal(list) // escapes <, > and &: safe inside a script
	if err != nil {
		return nil, fmt.Errorf("render %s: %w", o.scriptPath(), err)
	}
	return []byte("const NEWS = " + string(j) + ";\n" + newsroomScript), nil
}
