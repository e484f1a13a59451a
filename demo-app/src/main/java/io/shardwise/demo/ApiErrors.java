package io.shardwise.demo;

import java.net.URI;
import java.util.Comparator;
import java.util.stream.Collectors;

import io.shardwise.routing.UnknownShardKeyException;

import org.springframework.beans.TypeMismatchException;
import org.springframework.dao.InvalidDataAccessApiUsageException;
import org.springframework.data.core.PropertyReferenceException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.validation.FieldError;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.ServletWebRequest;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

/**
 * Answers client errors with 400 and an RFC 9457 problem detail. A detail names the
 * offending field or parameter, never an internal class, and quotes input only up to
 * {@value #QUOTE_LIMIT} characters, with control characters replaced: a client's
 * mistake is described, not echoed.
 */
@RestControllerAdvice
class ApiErrors extends ResponseEntityExceptionHandler {

	/** The most characters of client input that a problem detail quotes. */
	static final int QUOTE_LIMIT = 40;

	/** The longest request path that a problem's {@code instance} repeats. */
	private static final int PATH_LIMIT = 80;

	@ExceptionHandler(UnknownShardKeyException.class)
	ResponseEntity<Object> unknownContinent(UnknownShardKeyException ex, WebRequest request) {
		return badRequest(ex, "Unknown continent " + quote(String.valueOf(ex.getKey())), request);
	}

	@ExceptionHandler(PropertyReferenceException.class)
	ResponseEntity<Object> unknownSortProperty(PropertyReferenceException ex, WebRequest request) {
		return badRequest(ex, "Unknown sort property " + quote(ex.getPropertyName()), request);
	}

	/**
	 * Other usage errors that a request can cause: a sort the shards cannot merge, a page
	 * offset beyond what a query can skip, a missing shard key.
	 */
	@ExceptionHandler(InvalidDataAccessApiUsageException.class)
	ResponseEntity<Object> unsupportedRequest(InvalidDataAccessApiUsageException ex, WebRequest request) {
		return badRequest(ex, "The request's shard key, sort or page cannot be served", request);
	}

	private ResponseEntity<Object> badRequest(Exception ex, String detail, WebRequest request) {
		return handleExceptionInternal(ex, ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, detail),
				new HttpHeaders(), HttpStatus.BAD_REQUEST, request);
	}

	/**
	 * Set every problem's {@code instance} to the request path, cut after a {@code /}
	 * within {@value #PATH_LIMIT} characters: left unset, Spring MVC would repeat the
	 * whole path, client input included.
	 */
	@Override
	protected ResponseEntity<Object> createResponseEntity(Object body, HttpHeaders headers, HttpStatusCode status,
			WebRequest request) {
		if (body instanceof ProblemDetail problem && request instanceof ServletWebRequest servlet) {
			String path = servlet.getRequest().getRequestURI();
			if (path.length() > PATH_LIMIT) {
				path = path.substring(0, path.lastIndexOf('/', PATH_LIMIT) + 1);
			}
			try {
				problem.setInstance(URI.create(path));
			}
			catch (IllegalArgumentException ex) {
				problem.setInstance(URI.create("about:blank"));
			}
		}
		return super.createResponseEntity(body, headers, status, request);
	}

	@Override
	protected ResponseEntity<Object> handleMethodArgumentNotValid(MethodArgumentNotValidException ex,
			HttpHeaders headers, HttpStatusCode status, WebRequest request) {
		String fields = ex.getBindingResult()
			.getFieldErrors()
			.stream()
			.sorted(Comparator.comparing(FieldError::getField).thenComparing(FieldError::getCode,
					Comparator.nullsFirst(Comparator.naturalOrder())))
			.map((error) -> error.getField() + " " + error.getDefaultMessage())
			.distinct()
			.collect(Collectors.joining("; "));
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, "Invalid request content: " + fields);
		return handleExceptionInternal(ex, problem, headers, HttpStatus.BAD_REQUEST, request);
	}

	@Override
	protected ResponseEntity<Object> handleTypeMismatch(TypeMismatchException ex, HttpHeaders headers,
			HttpStatusCode status, WebRequest request) {
		String name = (ex.getPropertyName() != null) ? ex.getPropertyName() : "value";
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST,
				"Invalid " + name + " " + quote(String.valueOf(ex.getValue())));
		return handleExceptionInternal(ex, problem, headers, HttpStatus.BAD_REQUEST, request);
	}

	/**
	 * Quote client input for a message: at most {@value #QUOTE_LIMIT} characters, control
	 * characters shown as {@code ?}.
	 */
	static String quote(String input) {
		boolean cut = input.length() > QUOTE_LIMIT;
		String shown = (cut ? input.substring(0, QUOTE_LIMIT) : input).replaceAll("\\p{Cc}", "?");
		return "'" + shown + (cut ? "...' (" + input.length() + " characters)" : "'");
	}

}
