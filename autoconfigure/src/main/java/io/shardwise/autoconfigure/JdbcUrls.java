package io.shardwise.autoconfigure;

import java.util.regex.Pattern;

/**
 * Masks credentials in JDBC URLs before they reach logs, messages or endpoints.
 */
public final class JdbcUrls {

	private static final Pattern USER_INFO = Pattern.compile("//[^/@?;\\s]*@");

	private static final Pattern PASSWORD_PARAMETER = Pattern.compile("(?i)(password|pwd)=[^&;\\s]*");

	private JdbcUrls() {
	}

	/**
	 * Return the text with the credentials of any JDBC URL in it masked: user info before
	 * {@code @} and {@code password=} / {@code pwd=} parameters.
	 * @param url a JDBC URL, or any text that may quote one, such as an error message
	 * @return the masked text, or {@code null} if {@code url} is {@code null}
	 */
	public static String mask(String url) {
		if (url == null) {
			return null;
		}
		String masked = USER_INFO.matcher(url).replaceAll("//******@");
		return PASSWORD_PARAMETER.matcher(masked).replaceAll("$1=******");
	}

}
