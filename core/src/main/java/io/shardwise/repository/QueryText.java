package io.shardwise.repository;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The top-level structure of a JPQL (or SQL) {@code SELECT} statement, as far as merging
 * grouped results needs it: the select items (with aliases), the {@code GROUP BY} and
 * {@code ORDER BY} items, and where each clause starts. It is a tokenizer that tracks
 * parentheses and string literals, not a parser: anything inside parentheses (function
 * arguments, subqueries) is kept as opaque tokens.
 */
final class QueryText {

	private static final List<String> CLAUSES = List.of("select", "from", "where", "group", "having", "order",
			"limit", "offset", "fetch", "union", "intersect", "except", "window");

	final String text;

	final List<Token> tokens;

	/** Index of the first token of each top-level clause keyword, or -1. */
	private final int[] clauseStarts = new int[CLAUSES.size()];

	private QueryText(String text, List<Token> tokens) {
		this.text = text;
		this.tokens = tokens;
		Arrays.fill(this.clauseStarts, -1);
		int depth = 0;
		for (int i = 0; i < tokens.size(); i++) {
			Token token = tokens.get(i);
			if (token.is("(")) {
				depth++;
			}
			else if (token.is(")")) {
				depth--;
			}
			else if (depth == 0 && token.type == Type.WORD) {
				int clause = CLAUSES.indexOf(token.lower());
				boolean needsBy = clause == CLAUSES.indexOf("group") || clause == CLAUSES.indexOf("order");
				if (clause >= 0 && (!needsBy || (i + 1 < tokens.size() && tokens.get(i + 1).isWord("by")))
						&& this.clauseStarts[clause] < 0) {
					this.clauseStarts[clause] = i;
				}
			}
		}
	}

	/**
	 * Tokenize a query.
	 * @param text the query
	 * @return its structure
	 * @throws IllegalArgumentException if a string literal is not closed
	 */
	static QueryText of(String text) {
		List<Token> tokens = new ArrayList<>();
		int i = 0;
		int length = text.length();
		while (i < length) {
			char c = text.charAt(i);
			int start = i;
			if (Character.isWhitespace(c)) {
				i++;
				continue;
			}
			if (c == '\'' || c == '"' || c == '`') {
				i++;
				while (true) {
					if (i >= length) {
						throw new IllegalArgumentException("unclosed literal at " + start);
					}
					if (text.charAt(i) == c) {
						if (i + 1 < length && text.charAt(i + 1) == c) {
							i += 2;
							continue;
						}
						i++;
						break;
					}
					i++;
				}
				tokens.add(new Token((c == '\'') ? Type.STRING : Type.WORD, text.substring(start, i), start, i));
			}
			else if (Character.isJavaIdentifierStart(c)) {
				while (i < length && (Character.isJavaIdentifierPart(text.charAt(i)) || text.charAt(i) == '.')) {
					i++;
				}
				tokens.add(new Token(Type.WORD, text.substring(start, i), start, i));
			}
			else if (Character.isDigit(c)) {
				while (i < length && (Character.isLetterOrDigit(text.charAt(i)) || text.charAt(i) == '.')) {
					i++;
				}
				tokens.add(new Token(Type.NUMBER, text.substring(start, i), start, i));
			}
			else if ((c == '?' || c == ':') && i + 1 < length
					&& (Character.isJavaIdentifierPart(text.charAt(i + 1)) || text.charAt(i + 1) == '#')) {
				i++;
				if (text.charAt(i) == '#') {
					tokens.add(new Token(Type.SPEL, text.substring(start, i + 1), start, i + 1));
					i++;
					continue;
				}
				while (i < length && Character.isJavaIdentifierPart(text.charAt(i))) {
					i++;
				}
				tokens.add(new Token(Type.PARAMETER, text.substring(start, i), start, i));
			}
			else if (c == '#' && i + 1 < length && text.charAt(i + 1) == '{') {
				tokens.add(new Token(Type.SPEL, "#{", start, i + 2));
				i += 2;
			}
			else {
				i++;
				tokens.add(new Token((c == '?') ? Type.PARAMETER : Type.PUNCTUATION, String.valueOf(c), start, i));
			}
		}
		return new QueryText(text, tokens);
	}

	/**
	 * Return where a top-level clause starts.
	 * @param keyword {@code select}, {@code from}, {@code group} (for GROUP BY), ...
	 * @return the index of its first token, or -1
	 */
	int clause(String keyword) {
		return this.clauseStarts[CLAUSES.indexOf(keyword)];
	}

	/**
	 * Return the index of the first top-level clause after a token, or the token count.
	 * @param after a token index
	 * @return the end of the clause that contains it
	 */
	int clauseEnd(int after) {
		int end = this.tokens.size();
		for (int start : this.clauseStarts) {
			if (start > after && start < end) {
				end = start;
			}
		}
		return end;
	}

	/**
	 * Split tokens at top-level commas.
	 * @param from the first token
	 * @param to the end (exclusive)
	 * @return the items
	 */
	List<List<Token>> split(int from, int to) {
		List<List<Token>> items = new ArrayList<>();
		List<Token> current = new ArrayList<>();
		int depth = 0;
		for (Token token : this.tokens.subList(from, to)) {
			if (token.is("(")) {
				depth++;
			}
			else if (token.is(")")) {
				depth--;
			}
			if (depth == 0 && token.is(",")) {
				items.add(current);
				current = new ArrayList<>();
			}
			else {
				current.add(token);
			}
		}
		if (!current.isEmpty() || !items.isEmpty()) {
			items.add(current);
		}
		return items;
	}

	/**
	 * Return the original text of a token range.
	 * @param tokens consecutive tokens
	 * @return their text, as written
	 */
	String text(List<Token> tokens) {
		return this.text.substring(tokens.get(0).start, tokens.get(tokens.size() - 1).end);
	}

	/**
	 * Whether two token lists are the same expression: words compare ignoring case,
	 * everything else exactly.
	 */
	static boolean same(List<Token> a, List<Token> b) {
		if (a.size() != b.size()) {
			return false;
		}
		for (int i = 0; i < a.size(); i++) {
			Token x = a.get(i);
			Token y = b.get(i);
			boolean equal = (x.type == Type.WORD && y.type == Type.WORD) ? x.text.equalsIgnoreCase(y.text)
					: x.type == y.type && x.text.equals(y.text);
			if (!equal) {
				return false;
			}
		}
		return true;
	}

	/**
	 * What a token is.
	 */
	enum Type {

		WORD, STRING, NUMBER, PARAMETER, SPEL, PUNCTUATION

	}

	/**
	 * One token.
	 *
	 * @param type what it is
	 * @param text its text
	 * @param start its offset in the query
	 * @param end the offset after it
	 */
	record Token(Type type, String text, int start, int end) {

		boolean is(String punctuation) {
			return this.type == Type.PUNCTUATION && this.text.equals(punctuation);
		}

		boolean isWord(String word) {
			return this.type == Type.WORD && this.text.equalsIgnoreCase(word);
		}

		String lower() {
			return this.text.toLowerCase(Locale.ROOT);
		}

		@Override
		public String toString() {
			return this.text;
		}

	}

}
