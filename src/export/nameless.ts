/**
 * Business participants without a saved name: the phone shows them by number ("+31 6 12345678"), and the store keeps
 * that number as their name. The geschoonde set never shows participants' numbers (LEESMIJ rule 6): such a contact
 * is "Contact <n>", n = its position among the custodian's contacts (the numbering of "Privécontact <n>"), and its
 * number is screened like a private contact's, in text, titles, attachment names and metadata.
 */

/** Whether a contact has no real name: every name it is known by holds no letter. */
export const isNameless = (names: readonly string[]): boolean => names.every((n) => !/\p{L}/u.test(n));

export const neutralNameFor = (rank: number): string => `Contact ${rank}`;
