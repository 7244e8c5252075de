package live

// Streams returns how many streams are open; only the tests ask.
func (b *Broker) Streams() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.open
}
