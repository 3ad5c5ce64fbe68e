/* hex.h - the value of one hexadecimal digit (audit writes hex in records,
 * the state file in term values). -1 for anything else. */
#ifndef KME_HEX_H
#define KME_HEX_H

static inline int hex_value(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

#endif
