package rules

import "math"

// NoGrade is the grade of a pack with no applicable rule, and of an overall score with no counted pack.
const NoGrade = "n/a"

// band is the lowest score of a grade.
type band struct {
	min   float64
	grade string
}

// bands are the grade bands (README.md explains the choice).
func bands() []band {
	return []band{{90, "A"}, {80, "B"}, {70, "C"}, {60, "D"}, {50, "E"}, {0, "F"}}
}

// Grade turns a 0-100 score into A-F.
func Grade(score float64) string {
	for _, b := range bands() {
		if score >= b.min {
			return b.grade
		}
	}
	return "F"
}

// scorePack computes one pack's score from its verdicts (in rule order): 100 × the weight of passes over
// the weight of passes, failures and could-not-measure; not-applicable rules are left out. Only rules in
// force when the result was measured count; a pack with none in force is scored over all its rules, for
// reference, and not counted in the overall score. A failed rule's cap then limits the score.
func scorePack(p *Pack, vs []Verdict) Score {
	s := Score{Pack: p.ID, Counted: true}
	use := make([]bool, len(vs))
	inForce := false
	for i, v := range vs {
		use[i] = v.RuleStatus == StatusInForce
		inForce = inForce || use[i]
	}
	if !inForce {
		s.Counted = false
		for i := range use {
			use[i] = true
		}
	}
	var pass, total float64
	limit := math.Inf(1)
	for i, v := range vs {
		if !use[i] {
			continue
		}
		switch v.Outcome {
		case Pass:
			s.Pass++
			pass += v.Weight
			total += v.Weight
		case Fail:
			s.Fail++
			total += v.Weight
			if c := p.Rules[i].Cap; c != nil && *c < limit {
				limit, s.CapRule = *c, v.RuleID
			}
		case CouldNotMeasure:
			s.CouldNotMeasure++
			total += v.Weight
		default:
			s.NotApplicable++
		}
	}
	s.Weight = total
	if total == 0 {
		s.Counted, s.Grade, s.CapRule = false, NoGrade, ""
		return s
	}
	s.Raw = round1(100 * pass / total)
	s.Score = s.Raw
	if s.CapRule != "" {
		s.Cap = &limit
		s.Score = math.Min(s.Score, limit)
	}
	s.Grade = Grade(s.Score)
	return s
}

// Overall combines the counted pack scores of one result: their mean weighted by the weight each pack judged
// (so a three-rule accessibility pack does not count as much as a twenty-rule law), and no higher than the
// lowest cap of a failed rule (a cancellation that does not take effect is not redeemed by a large button).
// With no counted pack it returns 0 and NoGrade.
func Overall(scores []Score) (float64, string) {
	var sum, weight float64
	limit := math.Inf(1)
	for _, s := range scores {
		if !s.Counted {
			continue
		}
		sum += s.Score * s.Weight
		weight += s.Weight
		if s.Cap != nil && *s.Cap < limit {
			limit = *s.Cap
		}
	}
	if weight == 0 {
		return 0, NoGrade
	}
	o := math.Min(round1(sum/weight), limit)
	return o, Grade(o)
}

func round1(f float64) float64 { return math.Round(f*10) / 10 }
