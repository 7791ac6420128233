package io.weft.sidecar.filter;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.StringValue;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;

/**
 * A filter for tests of the chain itself, configured by a {@code google.protobuf.StringValue} tag:
 * it appends its tag to the upstream {@code x-tags} header, stamps {@code x-seen-<tag>: <status>} on
 * the response just before it is sent, and notes the tag in the access log. A tag starting with
 * {@code deny} answers 403 itself instead of calling the chain.
 */
final class TagFilterFactory implements HttpFilterFactory<TagFilterFactory.TagConfig> {
    static final HeaderName TAGS = HeaderNames.create("x-tags");

    record TagConfig(String tag) implements FilterConfig {
    }

    @Override
    public String typeUrl() {
        return "type.googleapis.com/google.protobuf.StringValue";
    }

    @Override
    public Class<TagConfig> configType() {
        return TagConfig.class;
    }

    @Override
    public TagConfig parse(Any typedConfig) throws FilterConfigException {
        try {
            String tag = typedConfig.unpack(StringValue.class).getValue();
            if (tag.isEmpty()) {
                throw new FilterConfigException("value: empty (expected: a tag)");
            }
            return new TagConfig(tag);
        } catch (InvalidProtocolBufferException e) {
            throw new FilterConfigException(e.getMessage());
        }
    }

    @Override
    public HttpFilter create(TagConfig config, FilterContext context) {
        String tag = config.tag();
        HeaderName seen = HeaderNames.create("x-seen-" + tag);
        return (ex, chain) -> {
            ex.note("tag", tag);
            if (tag.startsWith("deny")) {
                ex.respond(Status.FORBIDDEN_403, ResponseFlag.UAEX, "denied by " + tag + " on route " + context.route());
                return;
            }
            ex.upstreamHeaders().set(TAGS, ex.upstreamHeaders().first(TAGS).map(v -> v + "," + tag).orElse(tag));
            ex.onResponse((status, headers) -> headers.set(seen, String.valueOf(status.code())));
            chain.proceed();
        };
    }
}
