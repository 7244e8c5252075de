package fold

// LooseText is Loose without its ASCII short cut, to check the short cut.
var LooseText = looseText
