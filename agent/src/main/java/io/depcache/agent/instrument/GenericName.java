package io.depcache.agent.instrument;

import java.util.ArrayList;
import java.util.List;
import net.bytebuddy.description.type.TypeDefinition;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.description.type.TypeList;

/** Names a generic type from its Byte Buddy description, for keys. */
final class GenericName {
  private GenericName() {}

  /**
   * The name of a generic type as {@link java.lang.reflect.Type#getTypeName()} spells it ({@code
   * java.util.Map<java.lang.String, java.util.List<? extends com.example.Foo>>}), the same whether
   * Byte Buddy read the class file or reflection: it goes into keys, so it must not depend on
   * which.
   */
  static String of(TypeDescription.Generic type) {
    return switch (type.getSort()) {
      case PARAMETERIZED -> {
        StringBuilder name = new StringBuilder();
        TypeDescription.Generic owner = type.getOwnerType();
        String raw = type.asErasure().getName();
        if (owner != null && owner.getSort() == TypeDefinition.Sort.PARAMETERIZED) {
          String outer = owner.asErasure().getName() + '$';
          name.append(of(owner))
              .append('$')
              .append(raw.startsWith(outer) ? raw.substring(outer.length()) : raw);
        } else {
          name.append(raw);
        }
        List<String> arguments = new ArrayList<>();
        for (TypeDescription.Generic argument : type.getTypeArguments()) {
          arguments.add(of(argument));
        }
        if (!arguments.isEmpty()) {
          name.append('<').append(String.join(", ", arguments)).append('>');
        }
        yield name.toString();
      }
      case GENERIC_ARRAY -> of(type.getComponentType()) + "[]";
      case WILDCARD -> {
        if (!type.getLowerBounds().isEmpty()) {
          yield "? super " + bounds(type.getLowerBounds());
        }
        TypeList.Generic upper = type.getUpperBounds();
        yield upper.isEmpty() || upper.get(0).represents(Object.class)
            ? "?"
            : "? extends " + bounds(upper);
      }
      case VARIABLE, VARIABLE_SYMBOLIC -> type.getSymbol();
      default -> SpecReader.typeName(type.asErasure());
    };
  }

  private static String bounds(TypeList.Generic bounds) {
    List<String> names = new ArrayList<>();
    for (TypeDescription.Generic bound : bounds) {
      names.add(of(bound));
    }
    return String.join(" & ", names);
  }
}
