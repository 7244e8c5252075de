package views

// rowAction is the action a queue row's form names itself (its first), and
// whether the row has any: a row of a night that has ended has none. Every
// action of a row carries the same key, made from the row's state.
func rowAction(q HostQueueItem) (HostAction, bool) {
	if len(q.Moves) > 0 {
		return q.Moves[0], true
	}
	if len(q.Dangers) > 0 {
		return q.Dangers[0], true
	}
	return HostAction{}, false
}

// rowKey is the key every action of a row carries; "" for a row with none.
func rowKey(q HostQueueItem) string {
	a, _ := rowAction(q)
	return a.Key
}

// RowMenuPageView is a queue row's menu as a page of its own, for a host
// without JavaScript.
type RowMenuPageView struct {
	Row     HostQueueItem
	BackURL string
}
