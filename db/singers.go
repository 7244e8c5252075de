package db

// The rotation's singers: each singer's rounds (readRotation's singers),
// kept like the line's index by guest, in guestBuckets maps shared between
// the Night's versions, so a patch copies the one small map of the singer
// it changes. With four maps of 1,000 singers copied whole, a request's
// patch allocated about 80 KB and took about 45 µs of the single writer's
// goroutine (BenchmarkRequestTen's CPU profile).

// rounds is one singer's line of readRotation's singers: the round after
// their last request that is waiting, being sung, sung or skipped, how
// many songs they have sung, how many turns they have had (sung, being
// sung or skipped), and how many of their songs wait.
type rounds struct{ next, sung, turns, waiting int }

// singers is the rounds of every singer with a request the rotation
// counts. The zero value has none. Never change one: make the next with
// with or without.
type singers struct {
	buckets [guestBuckets]map[int64]rounds
}

func bucketOf(guest int64) int { return int(uint64(guest) % guestBuckets) }

// newSingers makes singers of the rounds by guest.
func newSingers(all map[int64]rounds) singers {
	var s singers
	for g, r := range all {
		b := bucketOf(g)
		if s.buckets[b] == nil {
			s.buckets[b] = map[int64]rounds{}
		}
		s.buckets[b][g] = r
	}
	return s
}

// of is the guest's rounds, and false when they have no request the
// rotation counts (the zero rounds then).
func (s singers) of(guest int64) (rounds, bool) {
	r, ok := s.buckets[bucketOf(guest)][guest]
	return r, ok
}

// with is s with the guest's rounds set to r, sharing every bucket but
// the guest's.
func (s singers) with(guest int64, r rounds) singers {
	b := bucketOf(guest)
	m := make(map[int64]rounds, len(s.buckets[b])+1)
	for g, old := range s.buckets[b] {
		m[g] = old
	}
	m[guest] = r
	s.buckets[b] = m
	return s
}

// without is s without the guest, sharing every bucket but the guest's.
func (s singers) without(guest int64) singers {
	b := bucketOf(guest)
	if _, ok := s.buckets[b][guest]; !ok {
		return s
	}
	var m map[int64]rounds
	if len(s.buckets[b]) > 1 {
		m = make(map[int64]rounds, len(s.buckets[b])-1)
		for g, old := range s.buckets[b] {
			if g != guest {
				m[g] = old
			}
		}
	}
	s.buckets[b] = m
	return s
}
