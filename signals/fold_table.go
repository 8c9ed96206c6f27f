// Code generated from the x/text reference fold (see foldReference in fold_test.go); DO NOT EDIT.

package signals

// foldRune is the reference fold of one rune of Latin-1 Supplement, Latin
// Extended-A or common news punctuation; ok is false for any other rune.
func foldRune(r rune) (s string, ok bool) {
	switch r {
	case 0x80:
		return "\u0080", true
	case 0x81:
		return "\u0081", true
	case 0x82:
		return "\u0082", true
	case 0x83:
		return "\u0083", true
	case 0x84:
		return "\u0084", true
	case 0x85:
		return "\u0085", true
	case 0x86:
		return "\u0086", true
	case 0x87:
		return "\u0087", true
	case 0x88:
		return "\u0088", true
	case 0x89:
		return "\u0089", true
	case 0x8a:
		return "\u008a", true
	case 0x8b:
		return "\u008b", true
	case 0x8c:
		return "\u008c", true
	case 0x8d:
		return "\u008d", true
	case 0x8e:
		return "\u008e", true
	case 0x8f:
		return "\u008f", true
	case 0x90:
		return "\u0090", true
	case 0x91:
		return "\u0091", true
	case 0x92:
		return "\u0092", true
	case 0x93:
		return "\u0093", true
	case 0x94:
		return "\u0094", true
	case 0x95:
		return "\u0095", true
	case 0x96:
		return "\u0096", true
	case 0x97:
		return "\u0097", true
	case 0x98:
		return "\u0098", true
	case 0x99:
		return "\u0099", true
	case 0x9a:
		return "\u009a", true
	case 0x9b:
		return "\u009b", true
	case 0x9c:
		return "\u009c", true
	case 0x9d:
		return "\u009d", true
	case 0x9e:
		return "\u009e", true
	case 0x9f:
		return "\u009f", true
	case 0xa0:
		return " ", true
	case 0xa1:
		return "¡", true
	case 0xa2:
		return "¢", true
	case 0xa3:
		return "£", true
	case 0xa4:
		return "¤", true
	case 0xa5:
		return "¥", true
	case 0xa6:
		return "¦", true
	case 0xa7:
		return "§", true
	case 0xa8:
		return " ", true
	case 0xa9:
		return "©", true
	case 0xaa:
		return "a", true
	case 0xab:
		return "«", true
	case 0xac:
		return "¬", true
	case 0xad:
		return "\u00ad", true
	case 0xae:
		return "®", true
	case 0xaf:
		return " ", true
	case 0xb0:
		return "°", true
	case 0xb1:
		return "±", true
	case 0xb2:
		return "2", true
	case 0xb3:
		return "3", true
	case 0xb4:
		return " ", true
	case 0xb5:
		return "μ", true
	case 0xb6:
		return "¶", true
	case 0xb7:
		return "·", true
	case 0xb8:
		return " ", true
	case 0xb9:
		return "1", true
	case 0xba:
		return "o", true
	case 0xbb:
		return "»", true
	case 0xbc:
		return "1⁄4", true
	case 0xbd:
		return "1⁄2", true
	case 0xbe:
		return "3⁄4", true
	case 0xbf:
		return "¿", true
	case 0xc0:
		return "a", true
	case 0xc1:
		return "a", true
	case 0xc2:
		return "a", true
	case 0xc3:
		return "a", true
	case 0xc4:
		return "a", true
	case 0xc5:
		return "a", true
	case 0xc6:
		return "ae", true
	case 0xc7:
		return "c", true
	case 0xc8:
		return "e", true
	case 0xc9:
		return "e", true
	case 0xca:
		return "e", true
	case 0xcb:
		return "e", true
	case 0xcc:
		return "i", true
	case 0xcd:
		return "i", true
	case 0xce:
		return "i", true
	case 0xcf:
		return "i", true
	case 0xd0:
		return "ð", true
	case 0xd1:
		return "n", true
	case 0xd2:
		return "o", true
	case 0xd3:
		return "o", true
	case 0xd4:
		return "o", true
	case 0xd5:
		return "o", true
	case 0xd6:
		return "o", true
	case 0xd7:
		return "×", true
	case 0xd8:
		return "ø", true
	case 0xd9:
		return "u", true
	case 0xda:
		return "u", true
	case 0xdb:
		return "u", true
	case 0xdc:
		return "u", true
	case 0xdd:
		return "y", true
	case 0xde:
		return "þ", true
	case 0xdf:
		return "ss", true
	case 0xe0:
		return "a", true
	case 0xe1:
		return "a", true
	case 0xe2:
		return "a", true
	case 0xe3:
		return "a", true
	case 0xe4:
		return "a", true
	case 0xe5:
		return "a", true
	case 0xe6:
		return "ae", true
	case 0xe7:
		return "c", true
	case 0xe8:
		return "e", true
	case 0xe9:
		return "e", true
	case 0xea:
		return "e", true
	case 0xeb:
		return "e", true
	case 0xec:
		return "i", true
	case 0xed:
		return "i", true
	case 0xee:
		return "i", true
	case 0xef:
		return "i", true
	case 0xf0:
		return "ð", true
	case 0xf1:
		return "n", true
	case 0xf2:
		return "o", true
	case 0xf3:
		return "o", true
	case 0xf4:
		return "o", true
	case 0xf5:
		return "o", true
	case 0xf6:
		return "o", true
	case 0xf7:
		return "÷", true
	case 0xf8:
		return "ø", true
	case 0xf9:
		return "u", true
	case 0xfa:
		return "u", true
	case 0xfb:
		return "u", true
	case 0xfc:
		return "u", true
	case 0xfd:
		return "y", true
	case 0xfe:
		return "þ", true
	case 0xff:
		return "y", true
	case 0x100:
		return "a", true
	case 0x101:
		return "a", true
	case 0x102:
		return "a", true
	case 0x103:
		return "a", true
	case 0x104:
		return "a", true
	case 0x105:
		return "a", true
	case 0x106:
		return "c", true
	case 0x107:
		return "c", true
	case 0x108:
		return "c", true
	case 0x109:
		return "c", true
	case 0x10a:
		return "c", true
	case 0x10b:
		return "c", true
	case 0x10c:
		return "c", true
	case 0x10d:
		return "c", true
	case 0x10e:
		return "d", true
	case 0x10f:
		return "d", true
	case 0x110:
		return "đ", true
	case 0x111:
		return "đ", true
	case 0x112:
		return "e", true
	case 0x113:
		return "e", true
	case 0x114:
		return "e", true
	case 0x115:
		return "e", true
	case 0x116:
		return "e", true
	case 0x117:
		return "e", true
	case 0x118:
		return "e", true
	case 0x119:
		return "e", true
	case 0x11a:
		return "e", true
	case 0x11b:
		return "e", true
	case 0x11c:
		return "g", true
	case 0x11d:
		return "g", true
	case 0x11e:
		return "g", true
	case 0x11f:
		return "g", true
	case 0x120:
		return "g", true
	case 0x121:
		return "g", true
	case 0x122:
		return "g", true
	case 0x123:
		return "g", true
	case 0x124:
		return "h", true
	case 0x125:
		return "h", true
	case 0x126:
		return "ħ", true
	case 0x127:
		return "ħ", true
	case 0x128:
		return "i", true
	case 0x129:
		return "i", true
	case 0x12a:
		return "i", true
	case 0x12b:
		return "i", true
	case 0x12c:
		return "i", true
	case 0x12d:
		return "i", true
	case 0x12e:
		return "i", true
	case 0x12f:
		return "i", true
	case 0x130:
		return "i", true
	case 0x131:
		return "ı", true
	case 0x132:
		return "ij", true
	case 0x133:
		return "ij", true
	case 0x134:
		return "j", true
	case 0x135:
		return "j", true
	case 0x136:
		return "k", true
	case 0x137:
		return "k", true
	case 0x138:
		return "ĸ", true
	case 0x139:
		return "l", true
	case 0x13a:
		return "l", true
	case 0x13b:
		return "l", true
	case 0x13c:
		return "l", true
	case 0x13d:
		return "l", true
	case 0x13e:
		return "l", true
	case 0x13f:
		return "l·", true
	case 0x140:
		return "l·", true
	case 0x141:
		return "ł", true
	case 0x142:
		return "ł", true
	case 0x143:
		return "n", true
	case 0x144:
		return "n", true
	case 0x145:
		return "n", true
	case 0x146:
		return "n", true
	case 0x147:
		return "n", true
	case 0x148:
		return "n", true
	case 0x149:
		return "ʼn", true
	case 0x14a:
		return "ŋ", true
	case 0x14b:
		return "ŋ", true
	case 0x14c:
		return "o", true
	case 0x14d:
		return "o", true
	case 0x14e:
		return "o", true
	case 0x14f:
		return "o", true
	case 0x150:
		return "o", true
	case 0x151:
		return "o", true
	case 0x152:
		return "oe", true
	case 0x153:
		return "oe", true
	case 0x154:
		return "r", true
	case 0x155:
		return "r", true
	case 0x156:
		return "r", true
	case 0x157:
		return "r", true
	case 0x158:
		return "r", true
	case 0x159:
		return "r", true
	case 0x15a:
		return "s", true
	case 0x15b:
		return "s", true
	case 0x15c:
		return "s", true
	case 0x15d:
		return "s", true
	case 0x15e:
		return "s", true
	case 0x15f:
		return "s", true
	case 0x160:
		return "s", true
	case 0x161:
		return "s", true
	case 0x162:
		return "t", true
	case 0x163:
		return "t", true
	case 0x164:
		return "t", true
	case 0x165:
		return "t", true
	case 0x166:
		return "ŧ", true
	case 0x167:
		return "ŧ", true
	case 0x168:
		return "u", true
	case 0x169:
		return "u", true
	case 0x16a:
		return "u", true
	case 0x16b:
		return "u", true
	case 0x16c:
		return "u", true
	case 0x16d:
		return "u", true
	case 0x16e:
		return "u", true
	case 0x16f:
		return "u", true
	case 0x170:
		return "u", true
	case 0x171:
		return "u", true
	case 0x172:
		return "u", true
	case 0x173:
		return "u", true
	case 0x174:
		return "w", true
	case 0x175:
		return "w", true
	case 0x176:
		return "y", true
	case 0x177:
		return "y", true
	case 0x178:
		return "y", true
	case 0x179:
		return "z", true
	case 0x17a:
		return "z", true
	case 0x17b:
		return "z", true
	case 0x17c:
		return "z", true
	case 0x17d:
		return "z", true
	case 0x17e:
		return "z", true
	case 0x17f:
		return "s", true
	case 0x2010:
		return "‐", true
	case 0x2011:
		return "‐", true
	case 0x2012:
		return "‒", true
	case 0x2013:
		return "–", true
	case 0x2014:
		return "—", true
	case 0x2018:
		return "‘", true
	case 0x2019:
		return "'", true
	case 0x201c:
		return "“", true
	case 0x201d:
		return "”", true
	case 0x201e:
		return "„", true
	case 0x2022:
		return "•", true
	case 0x2026:
		return "...", true
	case 0x2009:
		return " ", true
	case 0x200a:
		return " ", true
	case 0x202f:
		return " ", true
	case 0x2032:
		return "′", true
	case 0x20ac:
		return "€", true
	case 0x2122:
		return "tm", true
	}
	return "", false
}
