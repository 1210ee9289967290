import { DateResolver, DateTimeResolver, SafeIntResolver } from 'graphql-scalars'
import { GraphQLError, GraphQLScalarType, Kind, valueFromASTUntyped, type GraphQLScalarTypeConfig } from 'graphql'

const PARTIAL_DATE = /^\d{4}(-\d{2}(-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2}))?)?)?$/

/**
 * The scalar checks the form; whether it is a real calendar date is left to the rules shared with
 * REST (zod), so a write with several bad fields still gets one error naming each of them.
 */
function partialDate(value: unknown): string {
  if (typeof value !== 'string' || !PARTIAL_DATE.test(value)) {
    throw new GraphQLError(`PartialDate: expected YYYY, YYYY-MM, YYYY-MM-DD or a date-time with its UTC offset, got ${JSON.stringify(value)}`)
  }
  return value
}

/**
 * Inputs keep the string the client sent once it is checked: the query layer and the write
 * engine work with these strings, and graphql-scalars would hand over a JavaScript Date instead.
 */
function checkedString(name: string, check: (v: unknown) => unknown): Pick<GraphQLScalarTypeConfig<string, string>, 'serialize' | 'parseValue' | 'parseLiteral'> {
  const parse = (v: unknown) => {
    if (typeof v !== 'string') throw new GraphQLError(`${name}: expected a string, got ${JSON.stringify(v)}`)
    check(v)
    return v
  }
  return {
    serialize: (v) => { check(v); return String(v) },
    parseValue: parse,
    parseLiteral: (ast) => {
      if (ast.kind !== Kind.STRING) throw new GraphQLError(`${name}: expected a string literal`, { nodes: [ast] })
      return parse(ast.value)
    },
  }
}

/** Implementations of the scalars declared in schema.graphql, which keeps their descriptions. */
export const SCALARS: Record<string, Pick<GraphQLScalarTypeConfig<unknown, unknown>, 'serialize' | 'parseValue' | 'parseLiteral'>> = {
  DateTime: checkedString('DateTime', (v) => DateTimeResolver.serialize(v)),
  Date: checkedString('Date', (v) => DateResolver.serialize(v)),
  PartialDate: checkedString('PartialDate', partialDate),
  SafeInt: { serialize: (v) => SafeIntResolver.serialize(v), parseValue: (v) => SafeIntResolver.parseValue(v), parseLiteral: (ast) => SafeIntResolver.parseLiteral(ast, undefined) },
  JSON: { serialize: (v) => v, parseValue: (v) => v, parseLiteral: (ast, variables) => valueFromASTUntyped(ast, variables) },
}

export function withImplementation(type: GraphQLScalarType): GraphQLScalarType {
  const impl = SCALARS[type.name]
  return impl ? new GraphQLScalarType({ ...type.toConfig(), ...impl }) : type
}
