// Compile-time stand-in for the UnityEngine API (2021.3) the package and its sample call, with Unity's signatures
// and no behaviour; see FlatBuffers.cs beside it for why.
using System;

namespace UnityEngine
{
    public class Object
    {
        public string name { get => throw null; set => throw null; }
        public static void Destroy(Object obj) => throw null;
        public static T Instantiate<T>(T original) where T : Object => throw null;
        public static bool operator ==(Object x, Object y) => throw null;
        public static bool operator !=(Object x, Object y) => throw null;
        public override bool Equals(object other) => throw null;
        public override int GetHashCode() => throw null;
    }

    public class Component : Object
    {
        public Transform transform => throw null;
        public GameObject gameObject => throw null;
        public T GetComponent<T>() => throw null;
    }

    public class Behaviour : Component
    {
    }

    public class MonoBehaviour : Behaviour
    {
    }

    public enum PrimitiveType
    {
        Sphere,
        Capsule,
        Cylinder,
        Cube,
        Plane,
        Quad,
    }

    public sealed class GameObject : Object
    {
        public Transform transform => throw null;
        public T GetComponent<T>() => throw null;
        public static GameObject CreatePrimitive(PrimitiveType type) => throw null;
    }

    public class Transform : Component
    {
        public Vector3 position { get => throw null; set => throw null; }
        public Vector3 localPosition { get => throw null; set => throw null; }
        public Quaternion localRotation { get => throw null; set => throw null; }
        public Vector3 localScale { get => throw null; set => throw null; }
        public void SetParent(Transform parent, bool worldPositionStays) => throw null;
        public Vector3 TransformPoint(Vector3 position) => throw null;
        public void LookAt(Vector3 worldPosition) => throw null;
    }

    public sealed class Camera : Behaviour
    {
        public static Camera main => throw null;
    }

    public class Renderer : Component
    {
        public Material material { get => throw null; set => throw null; }
    }

    public class Material : Object
    {
        public Color color { get => throw null; set => throw null; }
    }

    public struct Color
    {
        public Color(float r, float g, float b) => throw null;
        public static Color green => throw null;
        public static Color grey => throw null;
    }

    public struct Vector2
    {
        public float x;
        public float y;
        public Vector2(float x, float y) => throw null;
        public static Vector2 ClampMagnitude(Vector2 vector, float maxLength) => throw null;
    }

    public struct Vector3
    {
        public Vector3(float x, float y, float z) => throw null;
    }

    public struct Quaternion
    {
        public Quaternion(float x, float y, float z, float w) => throw null;
    }

    public static class Time
    {
        public static float unscaledTime => throw null;
        public static double realtimeSinceStartupAsDouble => throw null;
    }

    public static class Input
    {
        public static float GetAxisRaw(string axisName) => throw null;
        public static bool GetButton(string buttonName) => throw null;
    }

    public static class Debug
    {
        public static void LogWarning(object message) => throw null;
        public static void LogException(Exception exception) => throw null;
    }

    public static class GUILayout
    {
        public static void Label(string text, params GUILayoutOption[] options) => throw null;
    }

    public sealed class GUILayoutOption
    {
    }

    [AttributeUsage(AttributeTargets.Field)]
    public sealed class SerializeField : Attribute
    {
    }

    [AttributeUsage(AttributeTargets.Field)]
    public sealed class TooltipAttribute : Attribute
    {
        public TooltipAttribute(string tooltip) => throw null;
    }

    [AttributeUsage(AttributeTargets.Class)]
    public sealed class AddComponentMenu : Attribute
    {
        public AddComponentMenu(string menuName) => throw null;
    }

    [AttributeUsage(AttributeTargets.Class, AllowMultiple = true)]
    public sealed class RequireComponent : Attribute
    {
        public RequireComponent(Type requiredComponent, Type requiredComponent2) => throw null;
    }

    public class AsyncOperation
    {
        public event Action<AsyncOperation> completed;
    }
}

namespace UnityEngine.Networking
{
    public class DownloadHandler : IDisposable
    {
        public string text => throw null;
        public void Dispose() => throw null;
    }

    public sealed class DownloadHandlerBuffer : DownloadHandler
    {
    }

    public sealed class UnityWebRequestAsyncOperation : AsyncOperation
    {
    }

    public class UnityWebRequest : IDisposable
    {
        public const string kHttpVerbPOST = "POST";

        public enum Result
        {
            InProgress,
            Success,
            ConnectionError,
            ProtocolError,
            DataProcessingError,
        }

        public UnityWebRequest(string url, string method) => throw null;
        public DownloadHandler downloadHandler { get => throw null; set => throw null; }
        public Result result => throw null;
        public long responseCode => throw null;
        public string error => throw null;
        public UnityWebRequestAsyncOperation SendWebRequest() => throw null;
        public void Dispose() => throw null;
    }
}
