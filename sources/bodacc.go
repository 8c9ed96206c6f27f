package sources

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/veille-hq/veille/signals"
)

// bodacc reads the BODACC open-data API (DILA's Opendatasoft portal,
// dataset annonces-commerciales, explore API v2.1): an answer is
// {"total_count": n, "results": [record, ...]}, a record one notice.
type bodacc struct{}

func (bodacc) name() string   { return "BODACC" }
func (bodacc) accept() string { return acceptJSON }

// bodaccRecord is one notice. The nested parts (persons, establishments,
// judgment, act, modifications, filing) are JSON documents the API sends
// as strings; embedded reads them either way.
type bodaccRecord struct {
	ID                  string   `json:"id"`
	DateParution        string   `json:"dateparution"`
	FamilleAvis         string   `json:"familleavis"`
	FamilleAvisLib      string   `json:"familleavis_lib"`
	TypeAvis            string   `json:"typeavis"`
	TypeAvisLib         string   `json:"typeavis_lib"`
	Commercant          string   `json:"commercant"`
	Tribunal            string   `json:"tribunal"`
	Ville               string   `json:"ville"`
	URLComplete         string   `json:"url_complete"`
	ListePersonnes      embedded `json:"listepersonnes"`
	ListeEtablissements embedded `json:"listeetablissements"`
	Jugement            embedded `json:"jugement"`
	Acte                embedded `json:"acte"`
	Modifications       embedded `json:"modificationsgenerales"`
	Depot               embedded `json:"depot"`
}

// embedded is a nested JSON document sent as a string (the API's way) or
// as itself; it holds the document's bytes, or nothing for null or "".
type embedded []byte

func (e *embedded) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case bytes.Equal(b, []byte("null")):
		*e = nil
	case len(b) > 0 && b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*e = embedded(strings.TrimSpace(s))
	default:
		*e = embedded(bytes.Clone(b))
	}
	return nil
}

// into decodes the embedded document into v; a part that does not decode
// is left out (the notice still counts by its family), reported as false.
func (e embedded) into(v any) bool {
	return len(e) > 0 && json.Unmarshal(e, v) == nil
}

// oneOrMany reads a value the API writes as an object when there is one
// and as a list when there are several.
type oneOrMany[T any] []T

func (o *oneOrMany[T]) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '[' {
		var list []T
		if err := json.Unmarshal(b, &list); err != nil {
			return err
		}
		*o = list
		return nil
	}
	if bytes.Equal(b, []byte("null")) {
		*o = nil
		return nil
	}
	var one T
	if err := json.Unmarshal(b, &one); err != nil {
		return err
	}
	*o = []T{one}
	return nil
}

// numberText reads a string the API may also write as a number.
type numberText string

func (t *numberText) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		*t = numberText(s)
		return nil
	}
	var n json.Number
	if err := json.Unmarshal(b, &n); err != nil {
		return err
	}
	*t = numberText(n.String())
	return nil
}

type bodaccPersons struct {
	Personne oneOrMany[bodaccPerson] `json:"personne"`
}

type bodaccPerson struct {
	Denomination   string `json:"denomination"`
	Administration string `json:"administration"` // the managers, as "Président : X ; ..."
	Capital        struct {
		Montant numberText `json:"montantCapital"`
		Devise  string     `json:"devise"`
	} `json:"capital"`
}

type bodaccEstablishments struct {
	Etablissement oneOrMany[bodaccEstablishment] `json:"etablissement"`
}

type bodaccEstablishment struct {
	OrigineFonds         string `json:"origineFonds"`
	QualiteEtablissement string `json:"qualiteEtablissement"`
	Activite             string `json:"activite"`
	Enseigne             string `json:"enseigne"`
	Adresse              struct {
		Ville string `json:"ville"`
	} `json:"adresse"`
}

type bodaccJudgment struct {
	Famille    string `json:"famille"`
	Nature     string `json:"nature"`
	Date       string `json:"date"`
	Complement string `json:"complementJugement"`
}

type bodaccAct struct {
	Descriptif string `json:"descriptif"`
	Creation   struct {
		Categorie string `json:"categorieCreation"`
	} `json:"creation"`
	Immatriculation struct {
		Categorie string `json:"categorieImmatriculation"`
	} `json:"immatriculation"`
	Vente struct {
		Categorie  string `json:"categorieVente"`
		Descriptif string `json:"descriptif"`
	} `json:"vente"`
}

type bodaccModification struct {
	Descriptif string `json:"descriptif"`
}

type bodaccFiling struct {
	TypeDepot   string `json:"typeDepot"`
	DateCloture string `json:"dateCloture"`
}

// notice is a record with its nested parts decoded.
type notice struct {
	rec     bodaccRecord
	persons []bodaccPerson
	estabs  []bodaccEstablishment
	judg    bodaccJudgment
	act     bodaccAct
	modif   bodaccModification
	filing  bodaccFiling
	capital float64 // the company's capital the notice states, or 0
}

var errNoResults = errors.New(`not a BODACC answer: no "results" list`)

// decode reads an answer; the notices keep the API's order (newest first,
// as the query asks). A record that does not decode, or lacks its id or a
// plausible publication date, is left out: one odd notice does not hide
// the others.
func (b bodacc) decode(body []byte) ([]Announcement, error) {
	var ans struct {
		Results *[]json.RawMessage `json:"results"`
	}
	if err := json.Unmarshal(body, &ans); err != nil {
		return nil, fmt.Errorf("decode: %w", err)
	}
	if ans.Results == nil {
		return nil, errNoResults
	}
	notices := make([]notice, 0, len(*ans.Results))
	for _, raw := range *ans.Results {
		var r bodaccRecord
		if json.Unmarshal(raw, &r) != nil || strings.TrimSpace(r.ID) == "" {
			continue
		}
		if d, err := time.Parse(time.DateOnly, r.DateParution); err != nil || d.Year() < 1900 {
			continue
		}
		notices = append(notices, readNotice(r))
	}
	out := make([]Announcement, len(notices))
	for i := range notices {
		out[i] = announce(notices[i], notices[i+1:])
	}
	return out, nil
}

func readNotice(r bodaccRecord) notice {
	n := notice{rec: r}
	var ps bodaccPersons
	if r.ListePersonnes.into(&ps) {
		n.persons = ps.Personne
	}
	var es bodaccEstablishments
	if r.ListeEtablissements.into(&es) {
		n.estabs = es.Etablissement
	}
	r.Jugement.into(&n.judg)
	r.Acte.into(&n.act)
	r.Modifications.into(&n.modif)
	r.Depot.into(&n.filing)
	for _, p := range n.persons {
		if c, ok := parseAmount(string(p.Capital.Montant)); ok {
			n.capital = c
			break
		}
	}
	return n
}

// parseAmount reads "150000", "150 000" or "150 000,50".
func parseAmount(s string) (float64, bool) {
	s = strings.Map(func(r rune) rune {
		switch r {
		case ' ', '\u00a0', '\u202f':
			return -1
		case ',':
			return '.'
		}
		return r
	}, s)
	v, err := strconv.ParseFloat(s, 64)
	return v, err == nil && v > 0
}

// announce words a notice and states its labels; older holds the notices
// of the same answer published before it, newest first, where a capital
// change finds the capital it changed.
func announce(n notice, older []notice) Announcement {
	r := n.rec
	pub, _ := time.Parse(time.DateOnly, r.DateParution)
	a := Announcement{
		ID: r.ID, URL: r.URLComplete, Published: pub, Lang: "fr",
		Evidence: map[signals.Label]string{},
	}
	if a.URL == "" {
		a.URL = "https://www.bodacc.fr/pages/annonces-commerciales-detail/?q.id=id:" + r.ID
	}
	family := firstNonEmpty(r.FamilleAvisLib, r.FamilleAvis, "Annonce")
	var detail string
	// Only an initial notice states something: a correction or a
	// cancellation refers to one already read.
	initial := r.TypeAvis == "" || strings.EqualFold(r.TypeAvis, "annonce")
	state := func(l signals.Label, evidence string) {
		if initial && evidence != "" {
			a.Labels = append(a.Labels, l)
			a.Evidence[l] = evidence
		}
	}
	switch strings.ToLower(r.FamilleAvis) {
	case "creation", "immatriculation":
		detail = firstNonEmpty(n.act.Creation.Categorie, n.act.Immatriculation.Categorie, establishmentWords(n.estabs), family)
		state(signals.NewSites, detail)
	case "collective":
		detail = firstNonEmpty(n.judg.Nature, n.judg.Famille, family)
		if collectiveProcedure(n.judg) {
			state(signals.Difficulty, detail)
		}
	case "modification":
		detail = firstNonEmpty(n.modif.Descriptif, family)
		m := signals.Fold(n.modif.Descriptif)
		// "gérance" alone is left out: a location-gérance leases the
		// business, it names no manager.
		if containsAny(m, "administration", "dirigeant", "gerant", "president", "directeur general", "directeurs generaux", "mandataire social") {
			// The managers the notice names say more than "modification
			// survenue sur l'administration".
			who := administration(n.persons)
			state(signals.HRMoves, firstNonEmpty(who, n.modif.Descriptif))
			detail = firstNonEmpty(who, detail)
		}
		if strings.Contains(m, "capital") {
			if l, byAmount, ok := capitalDirection(m, n, older); ok {
				ev := n.modif.Descriptif
				if byAmount {
					ev = capitalWords(n.persons)
				}
				state(l, ev)
			}
		}
		if containsAny(m, "transfert du siege", "transfert de siege") {
			state(signals.NewSites, n.modif.Descriptif)
		}
	case "dpc":
		detail = firstNonEmpty(n.filing.TypeDepot, family)
		state(signals.FinancialPub, detail)
	case "vente":
		detail = firstNonEmpty(n.act.Vente.Categorie, n.act.Descriptif, family)
	default:
		detail = family
	}
	a.Title = "BODACC · " + family
	if detail != family {
		a.Title += " : " + clip(detail, 160)
	}
	if !initial {
		a.Title += " (" + firstNonEmpty(r.TypeAvisLib, r.TypeAvis) + ")"
	}
	a.Text = noticeText(n, family)
	return a
}

// collectiveProcedure reports whether a judgment opens or carries on a
// safeguard, receivership or liquidation; a closure because the debts
// are paid, or an appeal that overturns, ends the difficulty instead.
func collectiveProcedure(j bodaccJudgment) bool {
	all := signals.Fold(j.Famille + " " + j.Nature + " " + j.Complement)
	if containsAny(all, "extinction du passif", "infirmant") {
		return false
	}
	return containsAny(all, "sauvegarde", "redressement", "liquidation")
}

// capitalDirection says whether a capital change raised or cut the
// capital: from the notice's words, else (byAmount) from the capital it
// states against the one the previous notice stated.
func capitalDirection(folded string, n notice, older []notice) (l signals.Label, byAmount, ok bool) {
	switch {
	case containsAny(folded, "augmentation", "hausse"):
		return signals.FinancialGrowth, false, true
	case containsAny(folded, "reduction", "diminution"):
		return signals.Difficulty, false, true
	}
	if n.capital == 0 {
		return "", false, false
	}
	for _, o := range older {
		switch {
		case o.capital == 0:
			continue
		case n.capital > o.capital:
			return signals.FinancialGrowth, true, true
		case n.capital < o.capital:
			return signals.Difficulty, true, true
		}
		return "", false, false
	}
	return "", false, false
}

// administration is the managers the notice's persons name, or "".
func administration(ps []bodaccPerson) string {
	for _, p := range ps {
		if a := strings.TrimSpace(p.Administration); a != "" {
			return a
		}
	}
	return ""
}

// capitalWords is the capital as the notice's text words it.
func capitalWords(ps []bodaccPerson) string {
	for _, p := range ps {
		if p.Capital.Montant != "" {
			return capitalLine(p)
		}
	}
	return ""
}

func capitalLine(p bodaccPerson) string {
	return "Capital : " + strings.TrimSpace(string(p.Capital.Montant)+" "+p.Capital.Devise)
}

func establishmentWords(es []bodaccEstablishment) string {
	for _, e := range es {
		if w := firstNonEmpty(e.OrigineFonds, e.QualiteEtablissement); w != "" {
			return w
		}
	}
	return ""
}

// noticeText flattens a notice into the summary a rep reads: the parts a
// notice of its family holds, in the order the BODACC prints them.
func noticeText(n notice, family string) string {
	r := n.rec
	var parts []string
	add := func(label, s string) {
		if s = strings.TrimSpace(s); s != "" {
			if label != "" {
				s = label + " : " + s
			}
			parts = append(parts, s)
		}
	}
	add("", family)
	add("", r.Commercant)
	add("", r.Tribunal)
	add("Jugement", strings.TrimSpace(n.judg.Nature+" "+dateFR(n.judg.Date)))
	add("", n.judg.Complement)
	add("", n.act.Creation.Categorie)
	add("", n.act.Immatriculation.Categorie)
	add("", n.act.Vente.Categorie)
	add("", firstNonEmpty(n.act.Vente.Descriptif, n.act.Descriptif))
	add("", n.modif.Descriptif)
	for _, p := range n.persons {
		add("Administration", p.Administration)
		if p.Capital.Montant != "" {
			add("", capitalLine(p))
		}
	}
	for _, e := range n.estabs {
		add("Établissement", strings.Join(nonEmpty(e.QualiteEtablissement, e.Enseigne, e.Activite, e.Adresse.Ville), ", "))
	}
	if n.filing.TypeDepot != "" {
		add("Dépôt", strings.TrimSpace(n.filing.TypeDepot+" "+dateFR(n.filing.DateCloture)))
	}
	return clip(strings.Join(parts, ". "), 2000)
}

// dateFR writes an ISO date as French text does ("du 12/06/2024").
func dateFR(iso string) string {
	t, err := time.Parse(time.DateOnly, iso)
	if err != nil {
		return ""
	}
	return "du " + t.Format("02/01/2006")
}

func containsAny(s string, subs ...string) bool {
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s = strings.TrimSpace(s); s != "" {
			return s
		}
	}
	return ""
}

func nonEmpty(ss ...string) []string {
	var out []string
	for _, s := range ss {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// clip cuts s to at most n bytes on a rune boundary, marking the cut.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	i := n
	for i > 0 && !utf8RuneStart(s[i]) {
		i--
	}
	return s[:i] + "…"
}

func utf8RuneStart(b byte) bool { return b&0xC0 != 0x80 }
