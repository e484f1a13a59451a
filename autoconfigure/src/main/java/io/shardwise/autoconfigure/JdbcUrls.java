package io.shardwise.autoconfigure;

import java.util.regex.Pattern;

/**
 * Masks credentials in JDBC URLs before they reach logs, messages or endpoints.
 */
final class JdbcUrls {

	private static final Pattern USER_INFO = Pattern.compile("//[^/@?;\\s]*@");

	private static final Pattern PASSWORD_PARAMETER = Pattern.compile("(?i)(password|pwd)=[^&;\\s]*");

	private JdbcUrls() {
	}

	static String mask(String url) {
		if (url == null) {
			return null;
		}
		String masked = USER_INFO.matcher(url).replaceAll("//******@");
		return PASSWORD_PARAMETER.matcher(masked).replaceAll("$1=******");
	}

}
